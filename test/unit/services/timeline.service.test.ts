import fc from 'fast-check';
import { DateTime } from 'luxon';
import { buildTimeline, type TimelineEntryInput, type TimelineEntryKind } from '../../../server/services/timeline.service';

const PARIS = 'Europe/Paris';

function paris(iso: string): Date {
  return DateTime.fromISO(iso, { zone: PARIS }).toJSDate();
}

interface Entry extends TimelineEntryInput {
  label: string;
}

function entry(id: string, kind: TimelineEntryKind, at: Date, precision: TimelineEntryInput['precision'] = 'instant'): Entry {
  return { id, kind, at, precision, label: `${kind} ${id}` };
}

const KINDS: TimelineEntryKind[] = ['statement-original', 'event', 'measurement', 'statement', 'verdict', 'correction'];

describe('buildTimeline', () => {
  const announcedAt = paris('2021-12-20T12:00');

  it('when entries come in any order, then they are in date order with their day offsets from the announcement', () => {
    const timeline = buildTimeline(
      announcedAt,
      [
        entry('blacklist-29', 'measurement', paris('2021-12-29T16:00')),
        entry('announcement', 'statement-original', announcedAt),
        entry('verdict', 'verdict', paris('2022-01-05T10:00')),
      ],
      PARIS,
    );
    expect(timeline.map((t) => [t.entry.id, t.daysAfterAnnouncement, t.relation])).toEqual([
      ['announcement', 0, 'same-day'],
      ['blacklist-29', 9, 'after'],
      ['verdict', 16, 'after'],
    ]);
  });

  it('when every kind shares one instant, then the story order holds: original statement, measurement, statement, event, verdict, correction', () => {
    const shuffled = [...KINDS].reverse().map((kind) => entry(`x-${kind}`, kind, announcedAt));
    expect(buildTimeline(announcedAt, shuffled, PARIS).map((t) => t.entry.kind)).toEqual(KINDS);
  });

  it('when two entries share an instant and a kind, then the id decides, by code unit rather than locale (so "B" sorts before "a")', () => {
    const timeline = buildTimeline(announcedAt, [entry('b', 'event', announcedAt), entry('a', 'event', announcedAt), entry('B', 'event', announcedAt)], PARIS);
    expect(timeline.map((t) => t.entry.id)).toEqual(['B', 'a', 'b']);
  });

  it('when the date differs, then it wins over the kind: an earlier correction still comes before a later original statement', () => {
    const timeline = buildTimeline(announcedAt, [entry('s', 'statement-original', paris('2021-12-20T12:01')), entry('c', 'correction', announcedAt)], PARIS);
    expect(timeline.map((t) => t.entry.id)).toEqual(['c', 's']);
  });

  it('when entries predate the announcement, then they come first with negative offsets and relation before, even on the same morning', () => {
    const timeline = buildTimeline(
      announcedAt,
      [entry('announcement', 'statement-original', announcedAt), entry('morning-briefing', 'event', paris('2021-12-20T08:00')), entry('earlier-count', 'measurement', paris('2021-12-15T12:00'))],
      PARIS,
    );
    expect(timeline.map((t) => [t.entry.id, t.daysAfterAnnouncement, t.relation])).toEqual([
      ['earlier-count', -5, 'before'],
      // Same calendar day, hours earlier: the relation is about days, so same-day.
      ['morning-briefing', 0, 'same-day'],
      ['announcement', 0, 'same-day'],
    ]);
  });

  it('when a month-only entry is dated by the start of its month, then it sorts before instants later in that month and counts from the 1st', () => {
    const timeline = buildTimeline(
      paris('2017-03-15T10:00'),
      [entry('instant', 'event', paris('2017-03-02T09:00')), entry('march', 'event', paris('2017-03-01T00:00'), 'month'), entry('year', 'statement', paris('2017-01-01T00:00'), 'year')],
      PARIS,
    );
    expect(timeline.map((t) => [t.entry.id, t.entry.precision, t.daysAfterAnnouncement, t.relation])).toEqual([
      ['year', 'year', -73, 'before'],
      ['march', 'month', -14, 'before'],
      ['instant', 'instant', -13, 'before'],
    ]);
  });

  it('when an entry falls just after midnight on the spring DST night, then it is one Paris day after an announcement the evening before', () => {
    const timeline = buildTimeline(paris('2021-03-27T22:00'), [entry('late', 'event', paris('2021-03-28T03:30')), entry('next-evening', 'event', paris('2021-03-28T22:00'))], PARIS);
    // 03:30 on the 28th is only 4 h 30 after the announcement (the clock jumped 02:00 → 03:00).
    expect(timeline.map((t) => [t.entry.id, t.daysAfterAnnouncement])).toEqual([
      ['late', 1],
      ['next-evening', 1],
    ]);
  });

  it('when an entry is 00:30 in Paris but still the previous day in UTC, then day offsets follow the newsroom zone', () => {
    const at = paris('2021-12-21T00:30');
    expect(buildTimeline(announcedAt, [entry('e', 'event', at)], PARIS)[0]).toMatchObject({ daysAfterAnnouncement: 1, relation: 'after' });
    expect(buildTimeline(announcedAt, [entry('e', 'event', at)], 'UTC')[0]).toMatchObject({ daysAfterAnnouncement: 0, relation: 'same-day' });
  });

  it('when entries carry extra fields, then each comes back as the same object, typed as given', () => {
    const input = entry('e', 'event', announcedAt);
    const [first] = buildTimeline(announcedAt, [input], PARIS);
    expect(first?.entry).toBe(input);
    expect(first?.entry.label).toBe('event e');
  });

  it('when the input array is built, then it is left as it was (the timeline is a new array)', () => {
    const input = [entry('b', 'event', paris('2021-12-22')), entry('a', 'event', paris('2021-12-21'))];
    buildTimeline(announcedAt, input, PARIS);
    expect(input.map((e) => e.id)).toEqual(['b', 'a']);
  });

  it('when there are no entries, then the timeline is empty', () => {
    expect(buildTimeline(announcedAt, [], PARIS)).toEqual([]);
  });

  it('when an entry has an invalid date or an unknown kind, then it throws a RangeError naming the entry', () => {
    expect(() => buildTimeline(announcedAt, [entry('broken', 'event', new Date('nope'))], PARIS)).toThrow(new RangeError('entries[0].at (id broken) must be a valid Date, got Invalid Date'));
    const unknownKind = { ...entry('odd', 'event', announcedAt), kind: 'rumour' as TimelineEntryKind };
    expect(() => buildTimeline(announcedAt, [unknownKind], PARIS)).toThrow(new RangeError('entries[0].kind (id odd) is not a timeline kind: rumour'));
  });

  // Ids are unique (database ids): with a duplicate id, date and kind, input order would decide.
  it('when the same entries are given in any order, then the timeline is the same, sorted by date, kind rank, then id', () => {
    const arbitraryEntry = fc.record({
      id: fc.string({ maxLength: 3 }),
      kind: fc.constantFrom(...KINDS),
      // A handful of instants, so ties on date (and on kind) are common.
      at: fc.constantFrom(paris('2021-12-19T12:00'), announcedAt, paris('2021-12-20T23:30'), paris('2022-03-27T03:00')),
      precision: fc.constantFrom<TimelineEntryInput['precision']>('instant', 'day', 'month', 'year'),
    });
    fc.assert(
      fc.property(fc.uniqueArray(arbitraryEntry, { maxLength: 15, selector: (e) => e.id }).chain((es) => fc.tuple(fc.constant(es), fc.shuffledSubarray(es, { minLength: es.length, maxLength: es.length }))), ([entries, shuffled]) => {
        const timeline = buildTimeline(announcedAt, entries, PARIS);
        expect(buildTimeline(announcedAt, shuffled, PARIS).map((t) => t.entry)).toEqual(timeline.map((t) => t.entry));
        timeline.slice(1).forEach((t, i) => {
          const previous = timeline[i]!.entry;
          const key = (e: TimelineEntryInput) => [e.at.getTime(), KINDS.indexOf(e.kind)] as const;
          const [at, kind] = key(t.entry);
          const [prevAt, prevKind] = key(previous);
          expect(at > prevAt || (at === prevAt && (kind > prevKind || (kind === prevKind && t.entry.id >= previous.id)))).toBe(true);
          expect(t.relation).toBe(t.daysAfterAnnouncement < 0 ? 'before' : t.daysAfterAnnouncement === 0 ? 'same-day' : 'after');
        });
      }),
    );
  });
});
