import { DateTime, IANAZone } from 'luxon';
import type { SeedDate } from './seed.types';

export type SeedDatePrecision = 'instant' | 'day' | 'month' | 'year';

export interface ParsedSeedDate {
  /** The first instant of the period the seed date names ("2017" → 1 January 2017, 00:00 local). */
  at: Date;
  precision: SeedDatePrecision;
}

/**
 * The only shapes a seed date may take. No offset, no "Z": the articles give local French
 * times ("vers 16h"), so every date is read in the newsroom's zone and nowhere else.
 */
const SEED_DATE_FORMATS: readonly { pattern: RegExp; format: string; precision: SeedDatePrecision }[] = [
  { pattern: /^\d{4}$/, format: 'yyyy', precision: 'year' },
  { pattern: /^\d{4}-\d{2}$/, format: 'yyyy-MM', precision: 'month' },
  { pattern: /^\d{4}-\d{2}-\d{2}$/, format: 'yyyy-MM-dd', precision: 'day' },
  { pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, format: "yyyy-MM-dd'T'HH:mm", precision: 'instant' },
  { pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, format: "yyyy-MM-dd'T'HH:mm:ss", precision: 'instant' },
];

/**
 * Reads a seed date in `timeZone` (the newsroom's, e.g. Europe/Paris) and keeps how precise
 * it is, so that "2021-12" is shown as "décembre 2021" and never as "1 décembre 2021".
 * Throws a RangeError on anything else: a seed with a bad date must fail loudly rather than
 * show a made-up day.
 */
export function parseSeedDate(s: SeedDate, timeZone: string): ParsedSeedDate {
  if (!IANAZone.isValidZone(timeZone)) {
    throw new RangeError(`Invalid seed date "${s}": unknown time zone "${timeZone}"`);
  }
  const shape = SEED_DATE_FORMATS.find(({ pattern }) => pattern.test(s));
  if (!shape) {
    throw new RangeError(`Invalid seed date "${s}": expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:mm[:ss]`);
  }
  const parsed = DateTime.fromFormat(s, shape.format, { zone: timeZone });
  if (!parsed.isValid) {
    throw new RangeError(`Invalid seed date "${s}": ${parsed.invalidReason ?? 'not a calendar date'}`);
  }
  // Luxon moves a wall-clock time that does not exist (the spring-forward gap) to the next
  // hour without complaint; a seed must not silently say 03:30 when its source said 02:30.
  if (parsed.toFormat(shape.format) !== s) {
    throw new RangeError(`Invalid seed date "${s}": this local time does not exist in ${timeZone}`);
  }
  return { at: parsed.toJSDate(), precision: shape.precision };
}
