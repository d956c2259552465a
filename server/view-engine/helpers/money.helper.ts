import type { HelperOptions } from 'handlebars';
import { INVALID_PLACEHOLDER, formatAmount, formatFigureOrPlaceholder, formatMoney, warnOnInvalid, type FormatHelperConfig } from '../format';

/**
 * `{{money claim.announced "EUR"}}` or `{{money claim.announced currency=claim.currency}}`
 * → "1 200 000 €", and from a million "100 millions d’euros" (formatAmount); `exact=true` keeps
 * the digits, for tables and title attributes. The currency is required: guessing one would
 * misstate the figure.
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
    const exact = (options?.hash as Record<string, unknown> | undefined)?.exact === true;
    return formatFigureOrPlaceholder(value, onInvalid, (n) => (exact ? formatMoney : formatAmount)(n, currency, config.locale, { onInvalid }));
  };
}
