import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { ClaimModel } from '../models/claim.model';
import {
  addMeasurement,
  addTimelineEvent,
  publishClaim,
  saveClaimBySlug,
  saveSpeaker,
  saveTopic,
  setVerdict,
  type EditingContext,
} from './seed-writer';
import { deadlineInstant } from '../server/services/newsroom-input.service';
import { parseSeedDate } from './seed-dates';
import type { SeedClaim, SeedData, SeedSource } from './seed.types';

/**
 * A stable ObjectId for a seeded thing, from its claim slug and key: loading the seed again
 * finds the same documents (and the same feed items) instead of adding copies.
 */
export function seedObjectId(...parts: string[]): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24));
}

function toSource(source: SeedSource, timeZone: string) {
  const published = source.publishedAt ? parseSeedDate(source.publishedAt, timeZone) : null;
  return {
    outlet: source.outlet,
    title: source.title,
    publishedAt: published?.at,
    publishedPrecision: published?.precision ?? 'day',
    url: source.url,
    quote: source.quote,
  };
}

function summaryOf(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

async function loadClaim(seed: SeedClaim, speakers: Map<string, Types.ObjectId>, topics: Map<string, Types.ObjectId>, ctx: EditingContext): Promise<void> {
  const tz = ctx.timeZone;
  const said = parseSeedDate(seed.saidAt, tz);
  const speaker = speakers.get(seed.speaker);
  if (!speaker) throw new Error(`Seed claim "${seed.slug}" names unknown speaker "${seed.speaker}"`);
  const topicIds = seed.topics.map((slug) => {
    const id = topics.get(slug);
    if (!id) throw new Error(`Seed claim "${seed.slug}" names unknown topic "${slug}"`);
    return id;
  });
  const due = seed.announced.dueAt ? parseSeedDate(seed.announced.dueAt, tz) : null;
  const claimId = await saveClaimBySlug({
    slug: seed.slug,
    title: seed.title,
    statement: seed.statement,
    statementVerbatim: seed.statementVerbatim ?? true,
    language: seed.language,
    speaker,
    speakerRole: seed.speakerRole,
    saidAt: said.at,
    saidAtPrecision: said.precision,
    appearance: seed.appearance,
    topics: topicIds,
    announced: {
      kind: seed.announced.kind,
      value: seed.announced.value,
      unit: seed.announced.unit,
      currency: seed.announced.currency,
      dueAt: due ? deadlineInstant(due, tz) : undefined,
      duePrecision: due?.precision,
      definition: seed.announced.definition,
    },
    sources: seed.sources.map((s) => toSource(s, tz)),
  });
  // Écart publishes the claim now: the feed must not claim it was published in 2021.
  await publishClaim(claimId, ctx.now, said.at);
  for (const m of seed.measurements) {
    const asOf = parseSeedDate(m.asOf, tz);
    await addMeasurement(
      claimId,
      {
        _id: seedObjectId(seed.slug, 'measurement', m.key),
        value: m.value,
        unit: m.unit,
        delivered: m.delivered,
        deliveredAt: m.deliveredAt ? parseSeedDate(m.deliveredAt, tz).at : undefined,
        asOf: asOf.at,
        asOfPrecision: asOf.precision,
        definition: m.definition,
        sameQuantity: m.sameQuantity,
        source: toSource(m.source, tz),
        methodNotes: m.methodNotes,
      },
      summaryOf(m.definition),
      ctx,
    );
  }
  for (const e of seed.events) {
    const at = parseSeedDate(e.at, tz);
    await addTimelineEvent(
      claimId,
      {
        _id: seedObjectId(seed.slug, 'event', e.key),
        kind: e.kind,
        at: at.at,
        atPrecision: at.precision,
        who: e.who,
        text: e.text,
        verbatim: e.verbatim,
        source: toSource(e.source, tz),
      },
      summaryOf(`${e.who} : ${e.text}`),
      ctx,
    );
  }
  if (seed.verdict) {
    const existing = await ClaimModel.findById(claimId, { verdict: 1 }).lean();
    if (existing?.verdict?.rating !== seed.verdict.rating || existing.verdict.explanation !== seed.verdict.explanation) {
      await setVerdict(claimId, { rating: seed.verdict.rating, explanation: seed.verdict.explanation, setAt: ctx.now }, summaryOf(seed.verdict.explanation));
    }
  }
}

export interface SeedResult {
  speakers: number;
  topics: number;
  claims: number;
}

/** Loads the seed data; running it again changes nothing. */
export async function loadSeed(data: SeedData, ctx: EditingContext): Promise<SeedResult> {
  const speakers = new Map<string, Types.ObjectId>();
  for (const s of data.speakers) speakers.set(s.slug, await saveSpeaker(s));
  const topics = new Map<string, Types.ObjectId>();
  for (const t of data.topics) topics.set(t.slug, await saveTopic(t));
  for (const claim of data.claims) await loadClaim(claim, speakers, topics, ctx);
  return { speakers: speakers.size, topics: topics.size, claims: data.claims.length };
}

/** First start of an empty database: load the seed. A database with any claim is left alone. */
export async function seedIfEmpty(data: SeedData, ctx: EditingContext): Promise<SeedResult | null> {
  if ((await ClaimModel.estimatedDocumentCount()) > 0) return null;
  return loadSeed(data, ctx);
}
