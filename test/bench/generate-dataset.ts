/**
 * A large, deterministic Écart dataset, written straight into a database (the embedded
 * server or a real MongoDB) the way the app would have written it after years of editing:
 * speakers, topics, published, draft and deleted claims of every kind, measurements with
 * their sources, timeline events, verdicts, corrections, and one Update per public change.
 *
 * Documents are built in memory and inserted in batches with the driver (no per-document
 * Mongoose work), but they are the app's documents:
 * - every collection, index and field comes from the app's Mongoose models (`models/`), and
 *   a sample of each collection is checked against them: `validateSync()`, and Mongoose's
 *   own rendering of the document (casting, defaults) must equal what is stored;
 * - derived fields use the app's own pure functions: `computeNumericGap` (gap.service) picks
 *   the headline measurement, `gapScore` (claim-tracking.service) scores it, `slugFromTitle`
 *   makes slugs, `deadlineInstant` ends month/year deadlines, `formatNewsroomNumber` writes
 *   figures in titles, and update summaries go through the app's translator. The one thing
 *   re-stated here is how `refreshClaimTracking` assembles those into `tracking` (it reads
 *   and writes the database, so it cannot be called per claim at this speed); the Jest test
 *   `test/integration/bench/generate-dataset.test.ts` runs the app's `refreshClaimTracking`
 *   over a generated dataset and checks it changes nothing.
 *
 * What the editor services do that is not generated: revisions (the history pages), users
 * and sessions, unpublish/republish cycles, edited measurements.
 */
import { searchFieldsOf } from '../../server/services/claim-search.service';
import mongoose, { Types, type Connection, type Model } from 'mongoose';
import { DateTime } from 'luxon';
import { ClaimModel, type ClaimKind } from '../../models/claim.model';
import { MeasurementModel } from '../../models/measurement.model';
import type { DatePrecision } from '../../models/source.schema';
import { SpeakerModel, type SpeakerKind } from '../../models/speaker.model';
import { TimelineEventModel } from '../../models/timeline-event.model';
import { TopicModel } from '../../models/topic.model';
import { UpdateModel, type UpdateKind } from '../../models/update.model';
import { CounterModel, PUBLISHED_CLAIMS_COUNTER } from '../../models/counter.model';
import { VERDICT_KEYS } from '../../models/verdict-scale';
import { createTranslator } from '../../server/i18n';
import { gapScore } from '../../server/services/claim-tracking.service';
import { storedClaimState } from '../../server/services/claim-state.service';
import { slugFromTitle } from '../../server/services/slugs.service';
import { computeNumericGap } from '../../server/services/gap.service';
import { deadlineInstant, formatNewsroomNumber } from '../../server/services/newsroom-input.service';
import * as text from './dataset-text';
import { createRandom, type Random } from './random';
import { ScorecardModel } from '../../models/scorecard.model';
import { buildScorecard, SCORECARDS_MIGRATION, SCORED_CLAIM_FIELDS, type ScoredClaim } from '../../server/services/scorecard.service';
import { CLAIM_SEARCH_MIGRATION } from '../../server/services/claim-search.service';
import { CLAIM_STATE_MIGRATION } from '../../server/services/claim-public-state.service';
import { UPDATE_SUMMARIES_MIGRATION } from '../../server/services/update-summaries.service';

export interface GenerateDatasetOptions {
  /** Where to write: the embedded server's URI (`npm run db`, or the bench's child) or a MongoDB. */
  uri: string;
  /** The app's database name is 'ecart' (server/db/connect.ts DEFAULT_DB_NAME). */
  dbName?: string;
  claims: number;
  /** Average; the total is exactly claims × measurementsPerClaim, spread unevenly (a few claims have hundreds). */
  measurementsPerClaim: number;
  /** PRNG seed: the same seed and options give the same documents, ids included. */
  seed?: number;
  /** Écart's clock at the end of the generated history: every date is before it. */
  now?: Date;
  /** The newsroom's zone (TZ_NEWSROOM), for day/month-precision dates and deadlines. */
  timeZone?: string;
  /** Documents per insertMany (default 2000). */
  batchSize?: number;
  /** insertMany calls in flight at once (default 4). */
  inFlight?: number;
  /** How many documents per collection are checked against the Mongoose models (default 100). */
  validateSample?: number;
  /** Called every few thousand claims. */
  onProgress?: (progress: { claimsDone: number; claims: number }) => void;
}

export interface GeneratedCounts {
  speakers: number;
  topics: number;
  claims: number;
  published: number;
  drafts: number;
  deleted: number;
  measurements: number;
  timelineEvents: number;
  updates: number;
}

export interface GeneratedDataset {
  counts: GeneratedCounts;
  /** Wall time of the whole generation, index creation included. */
  ms: number;
  /** Documents checked against the models (validateSync and Mongoose's rendering). */
  validated: number;
  now: Date;
  dbName: string;
  /** Handy targets for benchmarks: a claim with the most measurements, and the first published claim. */
  samples: {
    busiestClaim: { id: Types.ObjectId; slug: string; measurements: number };
    /** A published claim with as many measurements as the average (or the nearest count). */
    typicalClaim: { id: Types.ObjectId; slug: string; measurements: number };
    publishedClaim: { id: Types.ObjectId; slug: string };
    speakerSlug: string;
    topicSlug: string;
  };
}

/** The fixed clock of generated data (a Monday morning), so the same seed gives the same documents. */
export const DEFAULT_NOW = new Date('2025-06-30T08:00:00.000Z');
export const DEFAULT_DB_NAME = 'ecart';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Doc = Record<string, unknown>;

/** Drops undefined keys: Mongoose never stores them, and the driver would write null. */
function defined<T extends Doc>(doc: T): T {
  for (const key of Object.keys(doc)) if (doc[key] === undefined) delete doc[key];
  return doc;
}

/** The collections, each from the app's model (same schema, indexes and collection name) on our connection. */
function appModels(connection: Connection) {
  const bind = <T>(model: Model<T>) => connection.model(model.modelName, model.schema, model.collection.collectionName);
  return {
    speakers: bind(SpeakerModel),
    topics: bind(TopicModel),
    claims: bind(ClaimModel),
    measurements: bind(MeasurementModel),
    timelineEvents: bind(TimelineEventModel),
    updates: bind(UpdateModel),
  };
}
type AppModels = ReturnType<typeof appModels>;

/** Speakers' and topics' `publishedClaims` and the site's total, as the claim use-cases keep them. */
async function writePublishedCounts(connection: Connection, publishedBy: Map<string, number>, total: number): Promise<void> {
  const models = appModels(connection);
  const sets = [...publishedBy].map(([id, n]) => ({ updateOne: { filter: { _id: new Types.ObjectId(id) }, update: { $set: { publishedClaims: n } }, timestamps: false } }));
  if (sets.length > 0) {
    // Ids are unique across collections: each set lands on its own speaker or topic.
    await models.speakers.bulkWrite(sets, { ordered: false });
    await models.topics.bulkWrite(sets, { ordered: false });
  }
  const counters = connection.model(CounterModel.modelName, CounterModel.schema, CounterModel.collection.collectionName);
  await counters.updateOne({ _id: PUBLISHED_CLAIMS_COUNTER }, { $set: { value: total } }, { upsert: true });
}
type CollectionKey = keyof AppModels;

/**
 * Every speaker's and topic's scorecard, built by the app's own rule (buildScorecard) from the
 * published claims as the editor actions keep them, plus the backfill's mark: the app then
 * finds them in place instead of backfilling on its first request.
 */
async function writeScorecards(connection: Connection): Promise<void> {
  const claims = connection.model(ClaimModel.modelName, ClaimModel.schema, ClaimModel.collection.collectionName);
  const scorecards = connection.model(ScorecardModel.modelName, ScorecardModel.schema, ScorecardModel.collection.collectionName);
  const groups = new Map<string, { kind: 'speaker' | 'topic'; ref: Types.ObjectId; claims: ScoredClaim[] }>();
  const add = (kind: 'speaker' | 'topic', ref: Types.ObjectId, claim: ScoredClaim) => {
    const key = `${kind}:${String(ref)}`;
    const group = groups.get(key) ?? { kind, ref, claims: [] };
    group.claims.push(claim);
    groups.set(key, group);
  };
  for await (const claim of claims.find({ status: 'published' }, { ...SCORED_CLAIM_FIELDS, speaker: 1, topics: 1 }).lean<(ScoredClaim & { speaker: Types.ObjectId; topics: Types.ObjectId[] })[]>().cursor()) {
    add('speaker', claim.speaker, claim);
    for (const topic of claim.topics) add('topic', topic, claim);
  }
  // One per speaker and topic (hundreds, not thousands): written as the service writes them.
  for (const g of groups.values()) await scorecards.updateOne({ kind: g.kind, ref: g.ref }, { $set: buildScorecard(g.claims) }, { upsert: true });
  const counters = connection.model(CounterModel.modelName, CounterModel.schema, CounterModel.collection.collectionName);
  await counters.collection.updateOne({ _id: SCORECARDS_MIGRATION } as never, { $set: { value: 1 } }, { upsert: true });
  // Claims carry their stage and search fields and updates their summaryData, as the app writes them: the
  // app's one-off backfills for data older than those fields have nothing to do here.
  for (const mark of [CLAIM_SEARCH_MIGRATION, UPDATE_SUMMARIES_MIGRATION, CLAIM_STATE_MIGRATION]) {
    await counters.collection.updateOne({ _id: mark } as never, { $set: { value: 1 } }, { upsert: true });
  }
}

/** Deterministic ObjectIds whose timestamp is when the document was created, as the app's would be. */
class IdMaker {
  private counter = 0;
  private readonly middle: string;

  constructor(random: Random) {
    this.middle = Array.from({ length: 5 }, () => random.int(0, 255).toString(16).padStart(2, '0')).join('');
  }

  at(date: Date): Types.ObjectId {
    const seconds = Math.floor(date.getTime() / 1000);
    this.counter = (this.counter + 1) % 0x1000000;
    return new Types.ObjectId(`${seconds.toString(16).padStart(8, '0')}${this.middle}${this.counter.toString(16).padStart(6, '0')}`);
  }
}

/** Start of the day/month in the newsroom's zone, cached per hour: luxon is the slow part otherwise. */
class NewsroomCalendar {
  private readonly cache = new Map<string, Date>();
  constructor(private readonly timeZone: string) {}

  floor(date: Date, precision: DatePrecision): Date {
    if (precision === 'instant') return new Date(Math.floor(date.getTime() / 60_000) * 60_000);
    const key = `${precision}:${Math.floor(date.getTime() / HOUR)}`;
    let start = this.cache.get(key);
    if (start === undefined) {
      start = DateTime.fromJSDate(date, { zone: this.timeZone }).startOf(precision).toJSDate();
      this.cache.set(key, start);
    }
    return start;
  }
}

/** Batched, bounded-concurrency inserts; a sample of each collection is checked against its model first. */
class Writer {
  private readonly buffers = new Map<CollectionKey, Doc[]>();
  private readonly seen = new Map<CollectionKey, number>();
  private readonly pending = new Set<Promise<void>>();
  private failure: Error | null = null;
  validated = 0;

  constructor(
    private readonly models: AppModels,
    private readonly batchSize: number,
    private readonly inFlight: number,
    private readonly sampleEvery: Partial<Record<CollectionKey, number>>,
  ) {}

  async add(key: CollectionKey, doc: Doc): Promise<void> {
    const n = this.seen.get(key) ?? 0;
    this.seen.set(key, n + 1);
    if (n % (this.sampleEvery[key] ?? 1) === 0) {
      checkAgainstModel(this.models[key] as unknown as Model<unknown>, doc);
      this.validated++;
    }
    let buffer = this.buffers.get(key);
    if (!buffer) this.buffers.set(key, (buffer = []));
    buffer.push(doc);
    if (buffer.length >= this.batchSize) await this.flush(key);
  }

  private async flush(key: CollectionKey): Promise<void> {
    const docs = this.buffers.get(key) ?? [];
    if (docs.length === 0) return;
    this.buffers.set(key, []);
    while (this.pending.size >= this.inFlight) await Promise.race(this.pending);
    if (this.failure !== null) throw this.failure;
    const insert = this.models[key].collection
      .insertMany(docs, { ordered: false })
      .then(
        (result) => {
          if (result.insertedCount !== docs.length) throw new Error(`${key}: ${result.insertedCount} of ${docs.length} inserted`);
        },
      )
      .catch((err: unknown) => {
        // The driver's bulk error lists every inserted id: keep the message only.
        this.failure ??= new Error(`insertMany into ${key} failed: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => this.pending.delete(insert));
    this.pending.add(insert);
  }

  async finish(): Promise<void> {
    for (const key of [...this.buffers.keys()]) await this.flush(key);
    await Promise.all(this.pending);
    if (this.failure !== null) throw this.failure;
  }
}

/** Plain, comparable form of a document: ids and dates as tagged strings, keys sorted. */
export function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (value instanceof Date) return `date:${value.toISOString()}`;
  if (typeof value === 'object' && typeof (value as { toHexString?: unknown }).toHexString === 'function') {
    return `oid:${(value as { toHexString: () => string }).toHexString()}`;
  }
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  return value;
}

export class DatasetShapeError extends Error {}

/**
 * The document must be valid for the app's model, and be exactly what Mongoose would store:
 * no missing default, no value Mongoose would cast, trim or drop.
 */
export function checkAgainstModel(model: Model<unknown>, doc: Doc): void {
  const hydrated = new model(doc);
  const error = hydrated.validateSync();
  if (error) throw new DatasetShapeError(`${model.modelName} ${String(doc._id)} is invalid: ${error.message}`);
  const asMongoose = JSON.stringify(canonical(hydrated.toObject({ depopulate: true, versionKey: true, virtuals: false })));
  const asGenerated = JSON.stringify(canonical(doc));
  if (asMongoose !== asGenerated) {
    throw new DatasetShapeError(`${model.modelName} ${String(doc._id)} differs from Mongoose's rendering:\n  generated ${asGenerated}\n  mongoose  ${asMongoose}`);
  }
}

interface GeneratedMeasurement {
  _id: Types.ObjectId;
  value?: number;
  unit?: string;
  delivered?: boolean;
  asOf: Date;
  sameQuantity: boolean;
}

/**
 * The claim's `tracking`, assembled as `refreshClaimTracking` (claim-tracking.service) does
 * from the app's pure `computeNumericGap` and `gapScore`, for a claim whose measurements
 * were added by the editor services (each addition refreshes it). `lastUpdateAt` is the
 * latest development (publication, measurement date, event, verdict, correction), never moved back.
 */
/** The claim's search fields, as refreshClaimSearch writes them (issue 14). */
function datasetSearchFields(claim: Doc, speakerName: string, topicNames: Map<string, string>, measurementDefinitions: string[]) {
  const c = claim as { title: string; topics: Types.ObjectId[]; announced: { definition?: unknown } };
  return searchFieldsOf({
    title: c.title,
    speaker: speakerName,
    topics: c.topics.map((t) => topicNames.get(String(t)) ?? ''),
    definitions: [typeof c.announced.definition === 'string' ? c.announced.definition : '', ...measurementDefinitions],
  });
}

export function trackingAfterRefresh(
  announced: { kind: ClaimKind; value?: number; dueAt?: Date },
  saidAt: Date,
  measurements: readonly GeneratedMeasurement[],
  lastUpdateAt: Date | undefined,
  now: Date,
  timeZone: string,
): Doc {
  if (measurements.length === 0) return defined({ measurementCount: 0, delivered: false, lastUpdateAt, ...storedClaimState(announced, 0, false) });
  // The service reads them sorted by { asOf: 1, _id: 1 }.
  const sorted = [...measurements].sort((a, b) => a.asOf.getTime() - b.asOf.getTime() || a._id.toHexString().localeCompare(b._id.toHexString()));
  let score: number | null = null;
  let headline: { value: number; asOf: Date; proxy: boolean; unit: string | null } | null = null;
  const { kind, value } = announced;
  if ((kind === 'count' || kind === 'money' || kind === 'percentage') && typeof value === 'number') {
    const numeric = sorted.filter((m): m is GeneratedMeasurement & { value: number } => typeof m.value === 'number');
    const gap = computeNumericGap({
      announced: value,
      announcedAt: saidAt,
      measurements: numeric.map((m) => ({ id: m._id.toHexString(), value: m.value, asOf: m.asOf, sameQuantity: m.sameQuantity })),
      now,
      timeZone,
    });
    if (gap.headline) {
      score = gapScore(value, gap.headline.value);
      const row = numeric.find((m) => m._id.toHexString() === gap.headline?.id);
      headline = { value: gap.headline.value, asOf: gap.headline.asOf, proxy: gap.headline.proxy, unit: row?.unit ?? null };
    }
  }
  const delivered = sorted.some((m) => m.delivered === true);
  return defined({
    measurementCount: sorted.length,
    delivered,
    ...storedClaimState(announced, sorted.length, delivered),
    lastUpdateAt,
    latestAsOf: sorted.at(-1)?.asOf ?? null,
    gapScore: score,
    headlineValue: headline?.value ?? null,
    headlineAsOf: headline?.asOf ?? null,
    headlineProxy: headline?.proxy ?? null,
    headlineUnit: headline?.unit ?? null,
  });
}

/** How many measurements each claim gets: exactly `total`, uneven (heavy tail), none for qualitative or some awaiting claims. */
function spreadMeasurements(random: Random, kinds: readonly ClaimKind[], total: number): number[] {
  const weights = kinds.map((kind) => (kind === 'qualitative' || random.chance(0.12) ? 0 : (-Math.log(1 - random.next())) ** 2));
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const counts = weights.map((w) => Math.floor((total * w) / sum));
  let left = total - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % counts.length) {
    if (weights[i]! > 0) {
      counts[i]!++;
      left--;
    }
  }
  return counts;
}

const later = (a: Date, b: Date): Date => (a.getTime() >= b.getTime() ? a : b);
const maxDate = (dates: readonly (Date | undefined)[]): Date | undefined =>
  dates.reduce<Date | undefined>((m, d) => (d === undefined ? m : m === undefined ? d : later(m, d)), undefined);

/** Generates the dataset into `uri`/`dbName`. The collections should be empty (slugs are unique). */
export async function generateDataset(options: GenerateDatasetOptions): Promise<GeneratedDataset> {
  const started = performance.now();
  const {
    uri,
    dbName = DEFAULT_DB_NAME,
    claims: claimTotal,
    measurementsPerClaim,
    seed = 1,
    now = DEFAULT_NOW,
    timeZone = 'Europe/Paris',
    batchSize = 2000,
    inFlight = 4,
    validateSample = 100,
    onProgress,
  } = options;
  const random = createRandom(seed);
  const ids = new IdMaker(random);
  const calendar = new NewsroomCalendar(timeZone);
  const t = createTranslator('fr');
  const nowMs = now.getTime();
  /** Editors act during the day, never after `now`. */
  const clamp = (ms: number): Date => new Date(Math.min(nowMs - 60_000, ms));
  const pickOutlet = () => random.pick(text.OUTLETS);
  const source = (slug: string, publishedAt: Date, withQuote: boolean): Doc => {
    const [outlet, domain] = pickOutlet();
    return defined({
      outlet,
      title: random.chance(0.8) ? `${random.pick(text.TOPIC_NAMES)} : ${random.pick(text.VERBS)} selon ${outlet}` : undefined,
      publishedAt: calendar.floor(publishedAt, 'day'),
      publishedPrecision: 'day',
      url: random.chance(0.9) ? `https://www.${domain}/${DateTime.fromJSDate(publishedAt, { zone: timeZone }).toFormat('yyyy/MM/dd')}/${slug}` : undefined,
      quote: withQuote ? `« ${random.pick(text.EVENT_TEXTS)} »` : undefined,
    });
  };

  const connection = await mongoose.createConnection(uri, { dbName, autoIndex: false, maxPoolSize: inFlight + 2 }).asPromise();
  try {
    const models = appModels(connection);
    // Collections and indexes first, as the app has them: inserts then maintain the indexes.
    for (const model of Object.values(models)) {
      await model.createCollection().catch(() => undefined);
      await model.createIndexes();
    }

    const expectedMeasurements = claimTotal * measurementsPerClaim;
    const sampleEvery = (expected: number) => Math.max(1, Math.floor(expected / Math.max(1, validateSample)));
    const writer = new Writer(models, batchSize, inFlight, {
      claims: sampleEvery(claimTotal),
      measurements: sampleEvery(expectedMeasurements),
      updates: sampleEvery(expectedMeasurements + claimTotal),
      timelineEvents: sampleEvery(claimTotal / 4),
    });
    const counts: GeneratedCounts = { speakers: 0, topics: 0, claims: 0, published: 0, drafts: 0, deleted: 0, measurements: 0, timelineEvents: 0, updates: 0 };
    const origin = new Date(nowMs - 9 * 365 * DAY);

    // Speakers: people mostly, some organisations, a few unattributed ("selon une source").
    const speakerIds: { id: Types.ObjectId; name: string; role?: string }[] = [];
    /** base, base-2, base-3…: the first free one, as createUnderFreeSlug (slugs.service) picks. */
    const freeSlug = (taken: Map<string, number>, base: string): string => {
      for (let n = (taken.get(base) ?? 0) + 1; ; n++) {
        const slug = n === 1 ? base : `${base}-${n}`;
        if (taken.has(slug) && slug !== base) continue;
        taken.set(base, n);
        if (slug !== base) taken.set(slug, taken.get(slug) ?? 1);
        return slug;
      }
    };
    const speakerSlugs = new Map<string, number>();
    const speakerCount = Math.max(20, Math.ceil(claimTotal / 40));
    for (let i = 0; i < speakerCount; i++) {
      const kind: SpeakerKind = random.weighted({ person: 80, organisation: 17, unattributed: 3 });
      const name =
        kind === 'person'
          ? `${random.pick(text.FIRST_NAMES)} ${random.pick(text.LAST_NAMES)}`
          : kind === 'organisation'
            ? random.pick(text.ORGANISATIONS)
            : 'Source anonyme';
      const createdAt = new Date(origin.getTime() + random.between(0, 30 * DAY));
      const role = kind === 'person' ? random.pick(text.ROLES) : undefined;
      const id = ids.at(createdAt);
      await writer.add(
        'speakers',
        defined({
          _id: id,
          slug: freeSlug(speakerSlugs, slugFromTitle(name)),
          name,
          role,
          organisation: kind === 'person' && random.chance(0.5) ? random.pick(text.ORGANISATIONS) : undefined,
          kind,
          sameAs: kind === 'person' && random.chance(0.4) ? [`https://www.wikidata.org/wiki/Q${random.int(1000, 9_999_999)}`] : [],
          publishedClaims: 0,
          createdAt,
          updatedAt: createdAt,
          __v: 0,
        }),
      );
      speakerIds.push({ id, name, role });
    }
    counts.speakers = speakerCount;

    const topicSlugs = new Map<string, number>();
    const topicIds: Types.ObjectId[] = [];
    const topicNames = new Map<string, string>();
    const topicCount = text.TOPIC_NAMES.length + Math.floor(claimTotal / 2000);
    for (let i = 0; i < topicCount; i++) {
      const base = text.TOPIC_NAMES[i % text.TOPIC_NAMES.length]!;
      const name = i < text.TOPIC_NAMES.length ? base : `${base} (${text.REGIONS[Math.floor(i / text.TOPIC_NAMES.length - 1) % text.REGIONS.length]!})`;
      const createdAt = new Date(origin.getTime() + random.between(0, 30 * DAY));
      const id = ids.at(createdAt);
      await writer.add('topics', { _id: id, slug: freeSlug(topicSlugs, slugFromTitle(name)), name, publishedClaims: 0, createdAt, updatedAt: createdAt, __v: 0 });
      topicIds.push(id);
      topicNames.set(String(id), name);
    }
    counts.topics = topicCount;

    const kinds = Array.from({ length: claimTotal }, () => random.weighted<ClaimKind>({ count: 40, money: 18, percentage: 12, deadline: 20, qualitative: 10 }));
    const perClaim = spreadMeasurements(random, kinds, expectedMeasurements);
    const claimSlugs = new Map<string, number>();
    let busiest: GeneratedDataset['samples']['busiestClaim'] | null = null;
    let firstPublished: GeneratedDataset['samples']['publishedClaim'] | null = null;
    let typical: GeneratedDataset['samples']['typicalClaim'] | null = null;
    const average = Math.round(measurementsPerClaim);

    // A claim's updates wait for the claim: each carries its public state (status, speaker, topics), as recordUpdate writes it.
    let pendingUpdates: Doc[] = [];
    // summaryData is what the editor actions store for the summary to be written in the reader's language.
    const update = async (claim: Types.ObjectId, kind: UpdateKind, subject: Types.ObjectId, at: Date, summary: string, summaryData: Doc) => {
      counts.updates++;
      // recordUpdate upserts with $setOnInsert createdAt = new Date(): a few milliseconds after `at`.
      pendingUpdates.push({ _id: ids.at(at), claim, kind, subject, at, summary: summary.slice(0, 500), summaryData, createdAt: new Date(at.getTime() + random.int(1, 40)), __v: 0 });
      return Promise.resolve();
    };
    // The published claims per speaker and topic, and in all: the counts the publishing use-cases keep.
    const publishedBy = new Map<string, number>();
    let publishedTotal = 0;

    for (let i = 0; i < claimTotal; i++) {
      const kind = kinds[i]!;
      const speaker = speakerIds[random.skewedIndex(speakerIds.length)]!;
      const saidPrecision: DatePrecision = random.weighted({ day: 75, instant: 20, month: 5 });
      const saidAt = calendar.floor(new Date(origin.getTime() + random.between(60 * DAY, nowMs - origin.getTime() - 20 * DAY)), saidPrecision);
      const createdAt = clamp(saidAt.getTime() + random.between(2 * HOUR, 10 * DAY));
      const status = random.weighted({ published: 80, draft: 17, deleted: 3 });
      const announced: Doc = { kind };
      let title: string;
      let realisation = 10 ** random.between(-2, 0.4);
      switch (kind) {
        case 'count': {
          const [noun, definition] = random.pick(text.COUNT_UNITS);
          const value = Math.round(10 ** random.between(2, 6));
          Object.assign(announced, { value, unit: noun, definition });
          title = `${formatNewsroomNumber(value)} ${noun} ${random.pick(text.VERBS)}`;
          break;
        }
        case 'money': {
          const definition = random.pick(text.MONEY_DEFINITIONS);
          const value = Math.round(10 ** random.between(5, 10) / 1000) * 1000;
          Object.assign(announced, { value, currency: random.chance(0.9) ? 'EUR' : 'USD', definition });
          title = `${formatNewsroomNumber(value / 1e6)} millions d’euros de ${definition}`;
          break;
        }
        case 'percentage': {
          const definition = random.pick(text.PERCENTAGE_DEFINITIONS);
          const value = Math.round(random.between(1, 99) * 10) / 10;
          realisation = random.between(0.3, 1.3);
          Object.assign(announced, { value, unit: '%', definition });
          title = `${definition.charAt(0).toUpperCase()}${definition.slice(1)} : ${formatNewsroomNumber(value)} %`;
          break;
        }
        case 'deadline': {
          const precision: DatePrecision = random.weighted({ day: 40, month: 35, year: 25 });
          const due = calendar.floor(new Date(saidAt.getTime() + random.between(60 * DAY, 4 * 365 * DAY)), precision === 'day' ? 'day' : 'month');
          const dueAt = deadlineInstant({ at: precision === 'year' ? DateTime.fromJSDate(due, { zone: timeZone }).startOf('year').toJSDate() : due, precision }, timeZone);
          const promise = random.pick(text.PROMISES);
          Object.assign(announced, { dueAt, duePrecision: precision, definition: `${promise} au plus tard à la date annoncée` });
          title = `${promise} en ${DateTime.fromJSDate(dueAt, { zone: timeZone }).setLocale('fr').toFormat(precision === 'year' ? 'yyyy' : 'MMMM yyyy')}`;
          break;
        }
        case 'qualitative': {
          const claimText = random.pick(text.QUALITATIVE);
          Object.assign(announced, { definition: claimText });
          title = `${claimText} (${random.pick(text.TOPIC_NAMES).toLowerCase()})`;
          break;
        }
      }
      title = title.slice(0, 75).trim();
      const slug = freeSlug(claimSlugs, slugFromTitle(title));
      const claimId = ids.at(createdAt);
      const published = status !== 'draft';
      const publishedAt = published ? clamp(createdAt.getTime() + random.between(HOUR, 5 * DAY)) : undefined;
      const opTimes: Date[] = [createdAt];
      const developments: (Date | undefined)[] = [publishedAt];
      if (publishedAt) {
        opTimes.push(publishedAt);
        // publishClaimNow: a fresh subject per publication; the summary is the title.
        await update(claimId, 'claim-published', ids.at(publishedAt), publishedAt, title, { title });
      }

      // Measurements, in the order they were measured and added.
      const n = perClaim[i]!;
      const firstAsOf = saidAt.getTime() - (random.chance(0.1) ? 30 * DAY : 0);
      const lastAsOf = nowMs - 3 * DAY;
      const asOfs = Array.from({ length: n }, () => random.between(firstAsOf, Math.max(firstAsOf, lastAsOf))).sort((a, b) => a - b);
      const proxyClaim = kind !== 'deadline' && random.chance(0.12);
      const proxyUnit = random.pick(text.PROXY_UNITS);
      const deliveredAtEnd = kind === 'deadline' && random.chance(0.45);
      const measurements: GeneratedMeasurement[] = [];
      const measurementDefinitions: string[] = [];
      const announcedValue = typeof announced.value === 'number' ? announced.value : 0;
      for (let k = 0; k < n; k++) {
        const precision: DatePrecision = random.weighted({ day: 80, month: 15, instant: 5 });
        const asOf = calendar.floor(new Date(asOfs[k]!), precision);
        const addedAt = clamp(later(asOf, publishedAt ?? createdAt).getTime() + random.between(HOUR, 72 * HOUR));
        const id = ids.at(addedAt);
        const proxy = proxyClaim && random.chance(0.35);
        let value: number | undefined;
        let delivered: boolean | undefined;
        let deliveredAt: Date | undefined;
        if (kind === 'deadline') {
          delivered = deliveredAtEnd && k === n - 1;
          if (delivered && random.chance(0.7)) deliveredAt = calendar.floor(new Date(asOf.getTime() - random.between(0, 30 * DAY)), 'day');
        } else {
          const progress = 0.2 + (0.8 * (k + 1)) / n;
          const raw = announcedValue * realisation * progress * random.between(0.95, 1.05) * (proxy ? random.between(0.2, 3) : 1);
          value = kind === 'percentage' ? Math.round(raw * 10) / 10 : Math.max(1, Math.round(raw));
        }
        const definition =
          kind === 'deadline' ? (delivered ? 'mise en service constatée' : 'pas encore en service') : proxy ? `${proxyUnit} (indicateur approché)` : String(announced.definition);
        const unit = proxy ? proxyUnit : undefined;
        await writer.add(
          'measurements',
          defined({
            _id: id,
            claim: claimId,
            value,
            unit,
            delivered,
            deliveredAt,
            asOf,
            asOfPrecision: precision,
            definition,
            sameQuantity: !proxy,
            source: source(`${slug}-${k + 1}`, new Date(asOf.getTime() + random.between(0, 5 * DAY)), random.chance(0.3)),
            methodNotes: random.chance(0.1) ? 'Chiffre calculé à partir des données départementales.' : undefined,
            createdAt: addedAt,
            updatedAt: addedAt,
            __v: 0,
          }),
        );
        counts.measurements++;
        measurements.push({ _id: id, value, unit, delivered, asOf, sameQuantity: !proxy });
        measurementDefinitions.push(definition);
        opTimes.push(addedAt);
        developments.push(asOf);
        if (published) await update(claimId, 'measurement-added', id, addedAt, t('editor.measurement.summary', { definition }), { definition });
      }

      // Published claims: statements and events, a verdict, sometimes a correction.
      let verdict: Doc | undefined;
      const corrections: Doc[] = [];
      if (publishedAt) {
        const events = random.chance(0.25) ? random.int(1, 2) : 0;
        for (let e = 0; e < events; e++) {
          const eventKind = random.chance(0.6) ? 'statement' : 'event';
          const at = calendar.floor(new Date(random.between(saidAt.getTime(), nowMs - DAY)), 'day');
          const addedAt = clamp(later(at, publishedAt).getTime() + random.between(HOUR, 48 * HOUR));
          const id = ids.at(addedAt);
          const who = random.chance(0.5) ? random.pick(text.ORGANISATIONS) : speaker.name;
          const eventText = random.pick(text.EVENT_TEXTS);
          await writer.add('timelineEvents', {
            _id: id,
            claim: claimId,
            kind: eventKind,
            at,
            atPrecision: 'day',
            who,
            text: eventText,
            verbatim: eventKind === 'statement',
            source: source(`${slug}-e${e + 1}`, at, false),
            createdAt: addedAt,
            updatedAt: addedAt,
            __v: 0,
          });
          counts.timelineEvents++;
          opTimes.push(addedAt);
          developments.push(at);
          await update(claimId, eventKind === 'event' ? 'event-added' : 'statement-added', id, addedAt, t('editor.timeline.summary', { who, text: eventText }), { ...(who ? { who } : {}), text: eventText });
        }
        if (random.chance(0.45)) {
          const rating = random.pick(VERDICT_KEYS);
          const setAt = clamp(maxDate(opTimes)!.getTime() + random.between(HOUR, 30 * DAY));
          verdict = { rating, explanation: text.VERDICT_EXPLANATIONS[VERDICT_KEYS.indexOf(rating)]!, setAt };
          opTimes.push(setAt);
          developments.push(setAt);
          await update(claimId, 'verdict-changed', ids.at(setAt), setAt, t('editor.verdict.summary', { label: t(`verdict.${rating}`) }), { rating });
        }
        if (random.chance(0.02)) {
          const at = clamp(maxDate(opTimes)!.getTime() + random.between(HOUR, 10 * DAY));
          const note = 'Correction : une version précédente de cette page donnait une date erronée pour la première mesure.';
          const id = ids.at(at);
          corrections.push({ _id: id, at, text: note });
          opTimes.push(at);
          developments.push(at);
          await update(claimId, 'correction', id, at, note, { text: note });
        }
      }
      const deletedAt = status === 'deleted' ? clamp(maxDate(opTimes)!.getTime() + random.between(DAY, 60 * DAY)) : undefined;
      if (deletedAt) opTimes.push(deletedAt);

      const claimDoc = defined({
        _id: claimId,
        slug,
        title,
        statement: `« ${title}. » ${random.pick(text.EVENT_TEXTS)}`,
        statementVerbatim: random.chance(0.85),
        language: 'fr',
        speaker: speaker.id,
        speakerRole: speaker.role,
        saidAt,
        saidAtPrecision: saidPrecision,
        appearance: random.chance(0.7) ? random.pick(text.APPEARANCES) : undefined,
        topics: [...new Set(Array.from({ length: random.int(1, 3) }, () => random.skewedIndex(topicIds.length, 1.5)))].map((k) => topicIds[k]!),
        status,
        publishedAt,
        deletedAt,
        announced: defined(announced),
        verdict,
        sources: [source(slug, new Date(saidAt.getTime() + random.between(0, 2 * DAY)), random.chance(0.5))],
        corrections,
        tracking: trackingAfterRefresh(
          { kind, value: typeof announced.value === 'number' ? announced.value : undefined, dueAt: announced.dueAt instanceof Date ? announced.dueAt : undefined },
          saidAt,
          measurements,
          maxDate(developments),
          now,
          timeZone,
        ),
        createdAt,
        updatedAt: maxDate(opTimes)!,
        __v: 0,
      });
      await writer.add('claims', { ...claimDoc, search: datasetSearchFields(claimDoc, speaker.name, topicNames, measurementDefinitions) });
      const publicState = { public: status === 'published', speaker: speaker.id, topics: claimDoc.topics };
      for (const doc of pendingUpdates) await writer.add('updates', { ...doc, ...publicState });
      pendingUpdates = [];
      if (status === 'published') {
        publishedTotal++;
        for (const ref of [speaker.id, ...claimDoc.topics]) publishedBy.set(String(ref), (publishedBy.get(String(ref)) ?? 0) + 1);
      }
      counts.claims++;
      counts[status === 'published' ? 'published' : status === 'draft' ? 'drafts' : 'deleted']++;
      if (!busiest || n > busiest.measurements) busiest = { id: claimId, slug, measurements: n };
      if (!firstPublished && status === 'published') firstPublished = { id: claimId, slug };
      if (status === 'published' && (!typical || Math.abs(n - average) < Math.abs(typical.measurements - average))) typical = { id: claimId, slug, measurements: n };
      if (onProgress && (i + 1) % 5000 === 0) onProgress({ claimsDone: i + 1, claims: claimTotal });
    }
    await writer.finish();
    await writePublishedCounts(connection, publishedBy, publishedTotal);
    await writeScorecards(connection);
    if (!busiest || !firstPublished || !typical) throw new RangeError('generateDataset needs enough claims for at least one published claim');
    return {
      counts,
      ms: performance.now() - started,
      validated: writer.validated,
      now,
      dbName,
      samples: { busiestClaim: busiest, typicalClaim: typical, publishedClaim: firstPublished, speakerSlug: String(speakerSlugs.keys().next().value), topicSlug: String(topicSlugs.keys().next().value) },
    };
  } finally {
    await connection.close();
  }
}
