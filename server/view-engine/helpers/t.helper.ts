import type { HelperOptions } from 'handlebars';
import { isMessageKey, type Translate } from '../../i18n';

/** `{{t "error.404.title"}}` or `{{t "error.request_id" id=requestId}}`. */
export function makeTranslateHelper(translate: Translate) {
  return function t(key: unknown, options: HelperOptions): string {
    if (typeof key !== 'string' || !isMessageKey(key)) {
      // A missing key is a template bug: show it plainly rather than an empty string.
      return String(key);
    }
    return translate(key, options.hash as Record<string, string | number>);
  };
}
