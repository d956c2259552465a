/**
 * Stop words dropped from text indexes and `$text` queries, per language. MongoDB ships long
 * lists for each of its languages; these are short lists of function words (articles,
 * prepositions, pronouns, auxiliaries) for the two languages Écart publishes in. Other
 * supported languages are stemmed but keep every word. Stored as written (with accents);
 * text-search.ts compares them after the same case and diacritic folding as the tokens.
 * See README.md ("$text") for what the shorter lists change.
 */
export const STOP_WORDS: Readonly<Record<string, readonly string[]>> = {
  french: [
    'a', 'à', 'ai', 'aie', 'as', 'au', 'aux', 'avec', 'c', 'ce', 'ces', 'cet', 'cette', 'd', 'dans', 'de', 'des',
    'du', 'elle', 'elles', 'en', 'es', 'est', 'et', 'été', 'eu', 'il', 'ils', 'j', 'je', 'l', 'la', 'le', 'les',
    'leur', 'leurs', 'lui', 'm', 'ma', 'mais', 'me', 'même', 'mes', 'moi', 'mon', 'n', 'ne', 'nos', 'notre', 'nous',
    'on', 'ont', 'ou', 'où', 'par', 'pas', 'pour', 'qu', 'que', 'qui', 's', 'sa', 'se', 'ses', 'son', 'sont', 'sur',
    'ta', 'te', 'tes', 'toi', 'ton', 'tu', 'un', 'une', 'vos', 'votre', 'vous', 'y',
  ],
  english: [
    'a', 'about', 'an', 'and', 'are', 'as', 'at', 'be', 'been', 'but', 'by', 'for', 'from', 'had', 'has', 'have',
    'he', 'her', 'his', 'i', 'in', 'into', 'is', 'it', 'its', 'of', 'on', 'or', 'our', 'she', 'so', 'than', 'that',
    'the', 'their', 'them', 'then', 'there', 'these', 'they', 'this', 'those', 'to', 'was', 'we', 'were', 'which',
    'who', 'will', 'with', 'you', 'your',
  ],
};
