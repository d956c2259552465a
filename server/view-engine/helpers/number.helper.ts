import type { HelperOptions } from 'handlebars';
import { formatFigureOrPlaceholder, formatNumber, fractionDigitsFromHash, warnOnInvalid, type FormatHelperConfig } from '../format';

/** `{{number claim.announced}}` → "182 000"; `{{number rate digits=1}}` for decimals. */
export function makeNumberHelper(config: FormatHelperConfig) {
  const onInvalid = warnOnInvalid(config, 'number');
  return function number(value: unknown, options: HelperOptions): string {
    const maximumFractionDigits = fractionDigitsFromHash(options.hash, onInvalid);
    return formatFigureOrPlaceholder(value, onInvalid, (n) => formatNumber(n, config.locale, { maximumFractionDigits, onInvalid }));
  };
}
