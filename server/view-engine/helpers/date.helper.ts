import type { HelperOptions } from 'handlebars';
import { INVALID_PLACEHOLDER, dateFromTemplateValue, formatDate, warnOnInvalid, type DateStyle, type FormatHelperConfig } from '../format';

const STYLES: readonly DateStyle[] = ['day', 'day-time', 'month', 'year'];

/**
 * `{{date claim.announcedAt style="day"}}` → "20 décembre 2021" in the newsroom zone. The
 * style defaults to "day". `null` (no date in the data) renders "—" quietly; an invalid
 * date renders "—" and logs a warning. It never falls back to the current date.
 */
export function makeDateHelper(config: FormatHelperConfig) {
  const onInvalid = warnOnInvalid(config, 'date');
  return function date(value: unknown, options: HelperOptions): string {
    if (value === null) return INVALID_PLACEHOLDER;
    const style: unknown = (options.hash as Record<string, unknown>).style ?? 'day';
    if (!STYLES.includes(style as DateStyle)) {
      onInvalid(style, `style must be one of ${STYLES.join(', ')}`);
      return INVALID_PLACEHOLDER;
    }
    const parsed = dateFromTemplateValue(value, config.timeZone);
    if (parsed === null) {
      onInvalid(value, 'not a valid Date or ISO 8601 string');
      return INVALID_PLACEHOLDER;
    }
    return formatDate(parsed, config.locale, config.timeZone, style as DateStyle, { onInvalid });
  };
}
