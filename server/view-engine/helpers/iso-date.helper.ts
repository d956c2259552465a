import { dateFromTemplateValue, formatIsoDate, warnOnInvalid, type FormatHelperConfig } from '../format';

/**
 * `<time datetime="{{isoDate claim.announcedAt}}">` → "2021-12-20T11:00:00.000Z". No date or
 * an invalid one gives "" (the invalid one logged) so the attribute stays valid HTML.
 */
export function makeIsoDateHelper(config: FormatHelperConfig) {
  const onInvalid = warnOnInvalid(config, 'isoDate');
  return function isoDate(value: unknown): string {
    if (value === null) return '';
    const parsed = dateFromTemplateValue(value, config.timeZone);
    if (parsed === null) {
      onInvalid(value, 'not a valid Date or ISO 8601 string');
      return '';
    }
    return formatIsoDate(parsed, { onInvalid });
  };
}
