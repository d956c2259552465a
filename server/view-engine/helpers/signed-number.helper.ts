import type { HelperOptions } from 'handlebars';
import { formatFigureOrPlaceholder, formatSignedNumber, fractionDigitsFromHash, warnOnInvalid, type FormatHelperConfig } from '../format';

/** `{{signedNumber gap.changeFromPrevious}}` → "+294" / "−294" / "0". */
export function makeSignedNumberHelper(config: FormatHelperConfig) {
  const onInvalid = warnOnInvalid(config, 'signedNumber');
  return function signedNumber(value: unknown, options: HelperOptions): string {
    const maximumFractionDigits = fractionDigitsFromHash(options.hash, onInvalid);
    return formatFigureOrPlaceholder(value, onInvalid, (n) => formatSignedNumber(n, config.locale, { maximumFractionDigits, onInvalid }));
  };
}
