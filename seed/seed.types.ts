import type { SpeakerKind } from '../models/speaker.model';

/**
 * The shape of the seed data. Every fact carries `article`: the file in seed/articles/ it
 * comes from (copied from the newsroom's source articles), so it can be checked against the
 * text. Dates are ISO strings read in the newsroom's zone (Europe/Paris): "2021-12-20",
 * "2021-12-29T16:00", "2021-12" (month precision), "2017" (year precision).
 */
export type SeedDate = string;

export interface SeedSource {
  article: string;
  outlet?: string;
  title?: string;
  publishedAt?: SeedDate;
  url?: string;
  /** A verbatim passage of the article supporting the fact. */
  quote?: string;
}

export interface SeedSpeaker {
  slug: string;
  name: string;
  kind: SpeakerKind;
  role?: string;
  organisation?: string;
}

export interface SeedTopic {
  slug: string;
  name: string;
}

export interface SeedMeasurement {
  /** Stable key, unique within the claim: what makes re-seeding idempotent. */
  key: string;
  value?: number;
  /** What the value is counted in, when it differs from the announcement's unit. */
  unit?: string;
  delivered?: boolean;
  deliveredAt?: SeedDate;
  asOf: SeedDate;
  definition: string;
  sameQuantity: boolean;
  source: SeedSource;
  methodNotes?: string;
}

export interface SeedTimelineEvent {
  key: string;
  kind: 'statement' | 'event';
  at: SeedDate;
  who: string;
  text: string;
  verbatim: boolean;
  source: SeedSource;
}

export interface SeedClaim {
  slug: string;
  title: string;
  statement: string;
  /** False when `statement` is the source's words reporting the claim (default true). */
  statementVerbatim?: boolean;
  language: string;
  speaker: string;
  speakerRole?: string;
  saidAt: SeedDate;
  appearance?: string;
  topics: string[];
  announced: {
    kind: 'count' | 'money' | 'percentage' | 'deadline' | 'qualitative';
    value?: number;
    unit?: string;
    currency?: string;
    dueAt?: SeedDate;
    definition: string;
  };
  /** Écart's own finding: it is dated when the seed is first loaded, not backdated. */
  verdict?: { rating: 'false' | 'misleading' | 'unproven' | 'partly-true' | 'true'; explanation: string };
  sources: SeedSource[];
  measurements: SeedMeasurement[];
  events: SeedTimelineEvent[];
}

export interface SeedData {
  speakers: SeedSpeaker[];
  topics: SeedTopic[];
  claims: SeedClaim[];
}
