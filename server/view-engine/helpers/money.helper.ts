import type { HelperOptions } from 'handlebars';
import { INVALID_PLACEHOLDER, formatFigureOrPlaceholder, formatMoney, warnOnInvalid, type FormatHelperConfig } from '../format';

/**
 * `{{money claim.announced "EUR"}}` or `{{money claim.announced currency=claim.currency}}`
 * → "1 200 000 €". The currency is required: guessing one would misstate the figure.
 */
export function makeMoneyHelper(config: FormatHelperConfig) {
  const onInvalid = warnOnInvalid(config, 'money');
  return function money(value: unknown, ...rest: unknown[]): string {
    // Handlebars always passes its options last, after any positional arguments.
    const options = rest.at(-1) as HelperOptions | undefined;
    const currency: unknown = rest.length > 1 ? rest[0] : (options?.hash as Record<string, unknown> | undefined)?.currency;
    if (typeof currency !== 'string') {
      onInvalid(currency, 'money needs a currency code, e.g. {{money value "EUR"}}');
      return INVALID_PLACEHOLDER;
    }
    return formatFigureOrPlaceholder(value, onInvalid, (n) => formatMoney(n, currency, config.locale, { onInvalid }));
  };
}
