import { newStemmer } from 'snowball-stemmers';

/*
 * The words of search, on both sides: what the claim's derived search fields hold
 * (claim-search.service), how a query is read (search.service) and which words of a result
 * are highlighted (search.presenter). Pure functions, no database.
 *
 * The stemming language is French, as the claims' text index's `default_language`
 * (models/claim.model.ts, CLAIM_TEXT_LANGUAGE): a query is stemmed the way the index stems.
 */

/** Lowercase, no diacritics: "Écart" and "ecart" are one word. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** The folded words of a text; anything that is not a letter or a digit separates words. */
export function foldedWords(text: string): string[] {
  return foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/*
 * MongoDB's French stop words that a reader is likely to type. A query made only of these
 * finds nothing through $text (they are not indexed), so the page says so instead of
 * falling back to a prefix search over every "le…" word.
 */
const STOP_WORDS = new Set(
  (
    'a au aux avec ce ces c d dans de des du elle en et eux il ils je j l la le les leur lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui s sa se ses son sur ta te tes toi ton tu un une vos votre vous y ' +
    'est sont ete etre avoir ai as avons avez ont cet cette cela ca ici la plus moins tres tout tous toute toutes ' +
    'the of and or to in on for is are was be by an at it this that with from as'
  ).split(' '),
);

export function isStopWord(folded: string): boolean {
  return STOP_WORDS.has(folded);
}

const french = newStemmer('french');

/** The stem of a word, folded: the unit highlighting compares ("sanitaires" and "sanitaire" → "sanitair"). */
export function stemOf(word: string): string {
  return foldText(french.stem(word.toLowerCase()));
}

/** Word beginnings stored for prefix matches (claim search fields): "da" to "darmanin", "darmanin" being 8 letters. */
export const MIN_PREFIX = 2;
export const MAX_PREFIX = 8;
