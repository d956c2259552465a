import { daysBetween } from './gap.service';

export type TimelineEntryKind = 'statement-original' | 'measurement' | 'statement' | 'event' | 'verdict' | 'correction';

export interface TimelineEntryInput {
  id: string;
  kind: TimelineEntryKind;
  /**
   * The instant the entry is placed at. For a coarse date this is the start of its period in
   * the newsroom zone (1 Jan for "2017", the 1st for "March 2017"), so it sorts first among
   * things that happened in that period and its day count is from the period's first day.
   */
  at: Date;
  /** How precise `at` is. */
  precision: 'instant' | 'day' | 'month' | 'year';
}

export interface TimelineEntry<T extends TimelineEntryInput> {
  entry: T;
  /** Calendar days from the announcement to `at` in the newsroom zone; negative before it. */
  daysAfterAnnouncement: number;
  relation: 'before' | 'same-day' | 'after';
}

/**
 * On the same instant, the order follows the story: what was said, what happened, what was
 * measured, how others responded (a reaction follows the event that prompted it), then the
 * newsroom's verdict and any correction of it.
 */
const KIND_ORDER: Readonly<Record<TimelineEntryKind, number>> = {
  'statement-original': 0,
  event: 1,
  measurement: 2,
  statement: 3,
  verdict: 4,
  correction: 5,
};

/**
 * Ids compare by UTF-16 code units rather than localeCompare, whose result depends on the
 * ICU build: the same data must give the same page on every server.
 */
function compareIds(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

function compareEntries(a: TimelineEntryInput, b: TimelineEntryInput): number {
  return a.at.getTime() - b.at.getTime() || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compareIds(a.id, b.id);
}

/**
 * The claim's story in reading order, each entry placed relative to the announcement.
 *
 * Coarse entries (month, year) sort at the start of their period, which is what `at` holds;
 * their relation is computed from that start too, so a "2017" entry shows as before an
 * announcement made in March 2017. Callers that care should show the precision alongside.
 */
export function buildTimeline<T extends TimelineEntryInput>(announcedAt: Date, entries: T[], timeZone: string): TimelineEntry<T>[] {
  entries.forEach((e, i) => {
    if (!(e.at instanceof Date) || Number.isNaN(e.at.getTime())) {
      throw new RangeError(`entries[${i}].at (id ${e.id}) must be a valid Date, got ${String(e.at)}`);
    }
    // An unknown kind would compare as NaN and leave the order up to the sort algorithm.
    if (!Object.hasOwn(KIND_ORDER, e.kind)) {
      throw new RangeError(`entries[${i}].kind (id ${e.id}) is not a timeline kind: ${String(e.kind)}`);
    }
  });
  return [...entries].sort(compareEntries).map((entry) => {
    const daysAfterAnnouncement = daysBetween(announcedAt, entry.at, timeZone);
    return {
      entry,
      daysAfterAnnouncement,
      relation: daysAfterAnnouncement < 0 ? 'before' : daysAfterAnnouncement === 0 ? 'same-day' : 'after',
    };
  });
}
