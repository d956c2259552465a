import { formatFactor, formatFigureOrPlaceholder, warnOnInvalid, type FormatHelperConfig } from '../format';

/** `{{factor gap.factor}}` → "50,5×"; a null factor renders "—". */
export function makeFactorHelper(config: FormatHelperConfig) {
  const onInvalid = warnOnInvalid(config, 'factor');
  return function factor(value: unknown): string {
    return formatFigureOrPlaceholder(value, onInvalid, (f) => formatFactor(f, config.locale, { onInvalid }));
  };
}
