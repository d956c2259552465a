import { formatFigureOrPlaceholder, formatPercent, warnOnInvalid, type FormatHelperConfig } from '../format';

/** `{{percent gap.percentRealised}}` → "2,0 %"; a null ratio renders "—". */
export function makePercentHelper(config: FormatHelperConfig) {
  const onInvalid = warnOnInvalid(config, 'percent');
  return function percent(value: unknown): string {
    return formatFigureOrPlaceholder(value, onInvalid, (p) => formatPercent(p, config.locale, { onInvalid }));
  };
}
