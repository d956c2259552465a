/**
 * Ordered index scans in the embedded engine, checked by counters (documents examined,
 * index entries read), never by timings: a sorted, limited query reads only what it returns,
 * a range reads only its range, `$in` uses the index whatever its length, a count over an
 * index prefix decodes no document, and the planner picks the plan that reads least.
 */
import fc from 'fast-check';
import { Binary, Decimal128, Long, ObjectId, type Document } from 'bson';
import { Engine } from '../../../server/db/embedded/engine/engine';
import { aggregateDocuments, countDocuments, findDocuments } from '../../../server/db/embedded/engine/query-executor';
import { complement, encodeValue } from '../../../server/db/embedded/engine/key-encoding';
import { insertDocument, updateDocuments } from '../../../server/db/embedded/engine/write-operations';

const DAY = 86_400_000;
const T0 = Date.UTC(2021, 11, 1);
const CLAIMS = 50;
const UPDATES_PER_CLAIM = 40;
const claimIds = Array.from({ length: CLAIMS }, (_, i) => new ObjectId(i.toString(16).padStart(24, '0')));

function seeded(): Engine {
  const engine = new Engine();
  const out = engine.write(() => {
    const updates = engine.ensureCollection('db', 'updates');
    updates.createIndex({ name: 'at_-1__id_-1', key: { at: -1, _id: -1 } });
    updates.createIndex({ name: 'claim_1_at_-1', key: { claim: 1, at: -1 } });
    const claims = engine.ensureCollection('db', 'claims');
    claims.createIndex({ name: 'status_1_last_-1', key: { status: 1, 'tracking.lastUpdateAt': -1 } });
    claims.createIndex({ name: 'status_1_topics_1_last_-1', key: { status: 1, topics: 1, 'tracking.lastUpdateAt': -1 } });
    claims.createIndex({ name: 'status_1_count_1', key: { status: 1, 'tracking.measurementCount': 1 } });
    let n = 0;
    claimIds.forEach((claim, c) => {
      for (let u = 0; u < UPDATES_PER_CLAIM; u++) {
        updates.insert({ _id: new ObjectId(), claim, kind: 'measurement', at: new Date(T0 + (n++ % 997) * DAY) });
      }
      claims.insert({
        _id: claim,
        status: c % 5 === 0 ? 'draft' : 'published',
        topics: [`t${c % 3}`, 'all'],
        tracking: { lastUpdateAt: new Date(T0 + c * DAY), measurementCount: c % 7 },
      });
    });
  });
  if (out.error) throw out.error;
  return engine;
}

const engine = seeded();
const updates = engine.getCollection('db', 'updates');
const claims = engine.getCollection('db', 'claims');

function time(doc: Document | undefined): number {
  return (doc?.at as Date).getTime();
}

describe('ordered scans', () => {
  test('when every update is sorted by date and limited to 50, then exactly 50 entries and documents are read, in order', () => {
    const res = findDocuments(updates, { filter: {}, sort: { at: -1 }, limit: 50 }, engine.counters);
    expect(res.docs).toHaveLength(50);
    expect(res.stats).toMatchObject({ indexName: 'at_-1__id_-1', sortedByIndex: true, docsExamined: 50, keysExamined: 50 });
    const all = findDocuments(updates, { filter: {} }, engine.counters).docs.map(time).sort((a, b) => b - a);
    expect(res.docs.map(time)).toEqual(all.slice(0, 50));
  });

  test('when one claim’s updates are sorted by date with a limit, then only that claim’s first entries are read', () => {
    const claim = claimIds[7];
    const res = findDocuments(updates, { filter: { claim }, sort: { at: -1 }, limit: 5 }, engine.counters);
    expect(res.stats).toMatchObject({ indexName: 'claim_1_at_-1', docsExamined: 5, keysExamined: 5 });
    const expected = findDocuments(updates, { filter: { claim } }, engine.counters).docs.map(time).sort((a, b) => b - a);
    expect(res.docs.map(time)).toEqual(expected.slice(0, 5));
  });

  test('when the sort is the reverse of the index, then the index is walked backwards and still reads only the limit', () => {
    const res = findDocuments(updates, { filter: { claim: claimIds[3] }, sort: { at: 1 }, limit: 3 }, engine.counters);
    expect(res.stats).toMatchObject({ indexName: 'claim_1_at_-1', reverse: true, docsExamined: 3 });
    const times = res.docs.map(time);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  test('when published claims are sorted by last update with skip and limit, then skip + limit entries are read', () => {
    const res = findDocuments(claims, { filter: { status: 'published' }, sort: { 'tracking.lastUpdateAt': -1 }, skip: 5, limit: 10 }, engine.counters);
    expect(res.docs).toHaveLength(10);
    expect(res.stats).toMatchObject({ indexName: 'status_1_last_-1', docsExamined: 15 });
    expect(res.docs.every((d) => d.status === 'published')).toBe(true);
  });

  test('when a multikey field is pinned to one value, then the index still provides the sort on the next field', () => {
    const res = findDocuments(claims, { filter: { status: 'published', topics: 't1' }, sort: { 'tracking.lastUpdateAt': -1 }, limit: 4 }, engine.counters);
    expect(res.stats).toMatchObject({ indexName: 'status_1_topics_1_last_-1', sortedByIndex: true, docsExamined: 4 });
    const last = res.docs.map((d) => ((d.tracking as Document).lastUpdateAt as Date).getTime());
    expect([...last].sort((a, b) => b - a)).toEqual(last);
  });
});

describe('ranges and $in', () => {
  test('when a date range is asked, then only the entries inside it are read', () => {
    const from = new Date(T0 + 100 * DAY);
    const to = new Date(T0 + 109 * DAY);
    const res = findDocuments(updates, { filter: { at: { $gte: from, $lt: to } } }, engine.counters);
    const expected = findDocuments(updates, { filter: {} }, engine.counters).docs.filter((d) => time(d) >= from.getTime() && time(d) < to.getTime());
    expect(res.docs).toHaveLength(expected.length);
    expect(res.stats.keysExamined).toBe(expected.length);
    expect(res.stats.docsExamined).toBe(expected.length);
  });

  test('when a range bound is of one type, then other types are not reached (type bracketing)', () => {
    const engine2 = new Engine();
    engine2.write(() => {
      const c = engine2.ensureCollection('db', 'mixed');
      c.createIndex({ name: 'v_1', key: { v: 1 } });
      ['a', 'b', 5, 6, 7, new Date(1), null, true].forEach((v, i) => c.insert({ _id: i, v }));
    });
    const res = findDocuments(engine2.getCollection('db', 'mixed'), { filter: { v: { $gt: 5 } } }, engine2.counters);
    expect(res.docs.map((d) => d.v as unknown)).toEqual([6, 7]);
    expect(res.stats.keysExamined).toBe(2);
  });

  test('when $in lists 1 000 values, then the index is used and reads one entry per match', () => {
    const values = claimIds.map((id) => id).concat(Array.from({ length: 950 }, () => new ObjectId()));
    const res = findDocuments(claims, { filter: { _id: { $in: values } } }, engine.counters);
    expect(res.docs).toHaveLength(CLAIMS);
    expect(res.stats).toMatchObject({ indexName: '_id_', docsExamined: CLAIMS, keysExamined: CLAIMS });
  });
});

describe('counts', () => {
  test('when a count is answered by an index prefix, then no document is decoded', () => {
    const before = engine.counters.docsExamined;
    const counted = countDocuments(updates, { claim: claimIds[2] }, engine.counters);
    expect(counted.n).toBe(UPDATES_PER_CLAIM);
    expect(counted.stats).toMatchObject({ docsExamined: 0, keysExamined: UPDATES_PER_CLAIM });
    expect(engine.counters.docsExamined).toBe(before);
  });

  test('when countDocuments’ pipeline ($match + $group $sum 1) is run, then it is counted from the index too', () => {
    const result = aggregateDocuments(
      { coll: claims, resolveCollection: () => undefined, counters: engine.counters },
      [{ $match: { status: 'published' } }, { $group: { _id: 1, n: { $sum: 1 } } }],
    );
    expect(result.docs).toEqual([{ _id: 1, n: 40 }]);
    expect(result.stats.docsExamined).toBe(0);
  });

  test('when the filter has a condition the index cannot answer, then the count falls back to reading documents, and is still right', () => {
    const counted = countDocuments(claims, { status: 'published', 'tracking.measurementCount': { $ne: 0 } }, engine.counters);
    const expected = claimIds.filter((_, c) => c % 5 !== 0 && c % 7 !== 0).length;
    expect(counted.n).toBe(expected);
    expect(counted.stats.docsExamined).toBeGreaterThan(0);
  });
});

describe('plan choice', () => {
  test('when two indexes could serve a query, then the one bounding more fields and giving the sort wins without a race', () => {
    const res = findDocuments(claims, { filter: { status: 'published', topics: 't2' }, sort: { 'tracking.lastUpdateAt': -1 }, limit: 2 }, engine.counters);
    expect(res.stats.plansConsidered).toBe(1);
    expect(res.stats.indexName).toBe('status_1_topics_1_last_-1');
  });

  test('when two indexes each bound a different field, then they race and the one that finishes first wins, having read little', () => {
    const e = new Engine();
    e.write(() => {
      const c = e.ensureCollection('db', 'r');
      c.createIndex({ name: 'a_1', key: { a: 1 } });
      c.createIndex({ name: 'b_1', key: { b: 1 } });
      // a = 0 holds 2 000 documents, b = 0 only 20: the b plan reaches its end first.
      for (let i = 0; i < 4_000; i++) c.insert({ _id: i, a: i % 2, b: i % 200 });
    });
    const res = findDocuments(e.getCollection('db', 'r'), { filter: { a: 0, b: 0 } }, e.counters);
    expect(res.stats.plansConsidered).toBe(2);
    expect(res.stats.indexName).toBe('b_1');
    expect(res.docs.map((d) => d._id as unknown)).toEqual(Array.from({ length: 20 }, (_, k) => k * 200));
    expect(res.stats.docsExamined).toBeLessThanOrEqual(2 * 20 + 2);
  });

  test('when the aggregation starts with $match, $sort and $limit, then the planner runs them and reads only the limit', () => {
    const result = aggregateDocuments(
      { coll: updates, resolveCollection: () => undefined, counters: engine.counters },
      [{ $match: { claim: claimIds[1] } }, { $sort: { at: -1 } }, { $limit: 3 }, { $project: { at: 1 } }],
    );
    expect(result.docs).toHaveLength(3);
    expect(result.stats.docsExamined).toBe(3);
  });
});

describe('index maintenance', () => {
  test('when documents are updated and removed, then sorted reads follow their new keys', () => {
    const e = new Engine();
    e.write(() => {
      const c = e.ensureCollection('db', 'u');
      c.createIndex({ name: 'at_-1', key: { at: -1 } });
      for (let i = 0; i < 10; i++) insertDocument(e, 'db', 'u', { _id: i, at: new Date(T0 + i * DAY) });
      updateDocuments(e, 'db', 'u', { q: { _id: 2 }, u: { $set: { at: new Date(T0 + 100 * DAY) } } });
      e.getCollection('db', 'u')?.remove(encodeValue(9));
    });
    const res = findDocuments(e.getCollection('db', 'u'), { filter: {}, sort: { at: -1 }, limit: 3 }, e.counters);
    expect(res.docs.map((d) => d._id as unknown)).toEqual([2, 8, 7]);
    expect(res.stats.keysExamined).toBe(3);
  });

  test('when a write is rolled back, then documents and every index are as before', () => {
    const e = new Engine();
    e.write(() => {
      const c = e.ensureCollection('db', 'u');
      c.createIndex({ name: 'k_1', key: { k: 1 }, unique: true });
      insertDocument(e, 'db', 'u', { _id: 1, k: 'a' });
    });
    const outcome = e.write(() => {
      updateDocuments(e, 'db', 'u', { q: { _id: 1 }, u: { $set: { k: 'b' } } });
      insertDocument(e, 'db', 'u', { _id: 2, k: 'a' });
    });
    e.rollback(outcome);
    const coll = e.getCollection('db', 'u');
    expect(findDocuments(coll, { filter: { k: 'a' } }, e.counters).docs).toEqual([{ _id: 1, k: 'a' }]);
    expect(findDocuments(coll, { filter: { k: 'b' } }, e.counters).docs).toEqual([]);
    expect(coll?.size).toBe(1);
  });
});

describe('key encoding', () => {
  /** MongoDB's order for the types below: numbers < strings < ObjectId < booleans < dates. */
  const rank = (v: unknown): number => (typeof v === 'number' ? 1 : typeof v === 'string' ? 2 : v instanceof ObjectId ? 3 : typeof v === 'boolean' ? 4 : 5);
  const compareReference = (a: unknown, b: unknown): number => {
    if (rank(a) !== rank(b)) return rank(a) - rank(b);
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b));
    if (a instanceof ObjectId && b instanceof ObjectId) return Buffer.compare(Buffer.from(a.id), Buffer.from(b.id));
    if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
    return (a as Date).getTime() - (b as Date).getTime();
  };
  const value = fc.oneof(
    fc.double({ noNaN: true }),
    fc.integer(),
    fc.string({ unit: 'binary' }),
    fc.uint8Array({ minLength: 12, maxLength: 12 }).map((b) => new ObjectId(b)),
    fc.boolean(),
    fc.integer({ min: -8.64e15, max: 8.64e15 }).map((t) => new Date(t)),
  );

  test('when any two values are encoded, then the keys compare as MongoDB compares the values, and descending keys reverse it', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        const expected = Math.sign(compareReference(a, b));
        const ka = encodeValue(a);
        const kb = encodeValue(b);
        const actual = ka < kb ? -1 : ka > kb ? 1 : 0;
        const desc = complement(ka) < complement(kb) ? 1 : complement(ka) > complement(kb) ? -1 : 0;
        return actual === expected && desc === expected;
      }),
      { numRuns: 2000 },
    );
  });

  test('when numbers of different BSON types are equal, then their keys are equal', () => {
    expect(encodeValue(1)).toBe(encodeValue(Long.fromNumber(1)));
    expect(encodeValue(1)).toBe(encodeValue(Decimal128.fromString('1')));
    expect(encodeValue(-0)).toBe(encodeValue(0));
    expect(encodeValue(new Binary(Buffer.from('ab')))).not.toBe(encodeValue('ab'));
  });
});
