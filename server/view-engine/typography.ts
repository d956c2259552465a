import type { Locale } from '../config';

/**
 * Typography of running text in the site's language, applied when a page, a feed or a
 * summary is rendered, never to what is stored (an editor's form shows what was typed).
 *
 * French, as the Imprimerie nationale's *Lexique des règles typographiques* and most French
 * newsrooms set it:
 * - U+00A0 NO-BREAK SPACE before ":" and inside « » (a full-width space, as in print);
 * - U+202F NARROW NO-BREAK SPACE before ";", "!" and "?" (a thin space, as in print);
 * so a colon or a question mark never starts a line and a quotation never opens alone.
 * Only spaces already there are replaced, plus the inside of « » (which never occurs in an
 * address): "16:00", "https://…" and "?page=2" have no space before the sign and stay as
 * they are. Web addresses are skipped altogether, whatever they hold.
 *
 * English: no space before ":", ";", "!" or "?", and « » become curly quotes “ ” (French habits
 * that leak into English text). Straight quotes are left alone: which of them open and which
 * close can't be told reliably from plain text.
 */

const NBSP = '\u00a0';
const NNBSP = '\u202f';
/** Any web address, up to the next whitespace: never retouched. */
const ADDRESS = /\b(?:https?:\/\/|www\.)\S+/gi;
/** Ordinary spaces (and already no-break ones, to normalise them). */
const SPACES = '[ \\u00a0\\u202f\\t]+';

// Built once: these run on every statement, source and feed item of every page. (`replace`
// with a global regex starts from the beginning each time, so sharing them is safe.)
const BEFORE_COLON = new RegExp(`${SPACES}:`, 'g');
const BEFORE_PUNCT_FR = new RegExp(`${SPACES}([;!?])`, 'g');
const BEFORE_PUNCT_EN = new RegExp(`${SPACES}([:;!?])`, 'g');
const AFTER_OPEN_QUOTE = new RegExp(`«(?:${SPACES})?`, 'g');
const BEFORE_CLOSE_QUOTE = new RegExp(`(?:${SPACES})?»`, 'g');

function french(text: string): string {
  return text
    .replace(BEFORE_COLON, `${NBSP}:`)
    .replace(BEFORE_PUNCT_FR, `${NNBSP}$1`)
    .replace(AFTER_OPEN_QUOTE, `«${NBSP}`)
    .replace(BEFORE_CLOSE_QUOTE, `${NBSP}»`);
}

function english(text: string): string {
  return text
    .replace(BEFORE_PUNCT_EN, '$1')
    .replace(AFTER_OPEN_QUOTE, '\u201c')
    .replace(BEFORE_CLOSE_QUOTE, '\u201d');
}

/** The text with the typography of `locale`, its web addresses untouched. */
export function typeset(text: string, locale: string): string {
  const rule = locale === 'fr' ? french : locale === 'en' ? english : null;
  if (rule === null || text === '') return text;
  let out = '';
  let last = 0;
  for (const match of text.matchAll(ADDRESS)) {
    const start = match.index;
    out += rule(text.slice(last, start)) + match[0];
    last = start + match[0].length;
  }
  return out + rule(text.slice(last));
}

/**
 * Text an editor or a source wrote, as a page shows it. Its own language decides when known
 * (a claim's statement); otherwise it is set in French only on the French site, since the
 * newsroom's notes and the articles it quotes are French: English rules would wrongly close
 * up "mesure : …" in a French quotation shown on the English site.
 */
export function typesetUserText(text: string, siteLocale: Locale, language?: string | null): string {
  const lang = language ?? (siteLocale === 'fr' ? 'fr' : null);
  return lang === null ? text : typeset(text, lang);
}
