/**
 * Latency of one find, repeated, through the driver, and what the server says it examined
 * (`explain('executionStats')`, MongoDB's shape: executionStats.totalDocsExamined and
 * totalKeysExamined, queryPlanner.winningPlan). A server without explain gives `explain: null`.
 */
import type { Db, Document, FindCursor, Sort } from 'mongodb';
import { percentile } from './ping-stalls';

export interface FindSpec {
  collection: string;
  filter: Document;
  sort: Sort;
  limit?: number;
}

export interface ExplainSummary {
  docsExamined: number | null;
  keysExamined: number | null;
  nReturned: number | null;
  /** The winning plan's stages, outermost first: "LIMIT > FETCH > IXSCAN status_1_tracking.lastUpdateAt_-1". */
  plan: string;
}

export interface QueryLatency {
  runs: number;
  medianMs: number;
  p95Ms: number;
  returned: number;
  explain: ExplainSummary | null;
  /** Why there is no explain (the server's error), when there is none. */
  explainError: string | null;
}

function cursorFor(db: Db, spec: FindSpec): FindCursor {
  const cursor = db.collection(spec.collection).find(spec.filter).sort(spec.sort);
  return spec.limit === undefined ? cursor : cursor.limit(spec.limit);
}

/** Stage names of a plan tree, outermost first, with the index each scan uses. */
export function describePlan(plan: unknown): string {
  const stages: string[] = [];
  let node = plan as Document | undefined;
  // MongoDB 7 with the slot-based engine nests the tree under `queryPlan`.
  if (node && typeof node.queryPlan === 'object') node = node.queryPlan as Document;
  while (node && typeof node === 'object') {
    const name = typeof node.stage === 'string' ? node.stage : '?';
    stages.push(typeof node.indexName === 'string' ? `${name} ${node.indexName}` : name);
    const next: unknown = node.inputStage ?? (Array.isArray(node.inputStages) ? (node.inputStages as unknown[])[0] : undefined);
    node = next as Document | undefined;
  }
  return stages.join(' > ') || '?';
}

export function summariseExplain(explained: Document): ExplainSummary {
  const stats = (explained.executionStats ?? {}) as Document;
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const planner = (explained.queryPlanner ?? {}) as Document;
  return {
    docsExamined: num(stats.totalDocsExamined),
    keysExamined: num(stats.totalKeysExamined),
    nReturned: num(stats.nReturned),
    plan: describePlan(planner.winningPlan),
  };
}

/**
 * Runs the find `runs` times (after a few warm-up runs), or fewer when `budgetMs` is spent
 * first (at least `minRuns`), then explains it once.
 */
export async function measureFind(db: Db, spec: FindSpec, { runs = 200, warmup = 5, budgetMs = 30_000, minRuns = 20 } = {}): Promise<QueryLatency> {
  let returned = 0;
  for (let i = 0; i < warmup; i++) returned = (await cursorFor(db, spec).toArray()).length;
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    returned = (await cursorFor(db, spec).toArray()).length;
    times.push(performance.now() - t0);
    if (times.length >= minRuns && performance.now() - started > budgetMs) break;
  }
  times.sort((a, b) => a - b);
  let explain: ExplainSummary | null = null;
  let explainError: string | null = null;
  try {
    explain = summariseExplain(await cursorFor(db, spec).explain('executionStats'));
  } catch (err) {
    const e = err as { codeName?: string; message?: string };
    explainError = e.codeName ?? e.message ?? String(err);
  }
  return { runs: times.length, medianMs: percentile(times, 50), p95Ms: percentile(times, 95), returned, explain, explainError };
}
