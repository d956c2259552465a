import type { Document } from 'bson';
import { MongoError } from '../../../server/db/embedded/errors';
import { TextIndex, parseSearch, resolveLanguage, termsOf, tokenise } from '../../../server/db/embedded/engine/text-search';

function indexWith(
  docs: Record<string, Document>,
  options: { default_language?: string; language_override?: string } = {},
): { index: TextIndex; get: (id: string) => Document | undefined } {
  const index = new TextIndex({ name: 'text', key: { title: 'text', body: 'text' }, weights: { title: 10 }, ...options });
  for (const [id, doc] of Object.entries(docs)) index.add(id, doc);
  return { index, get: (id) => docs[id] };
}

/** What `fn` throws, so its code and message can be matched. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

function matches(index: TextIndex, get: (id: string) => Document | undefined, operand: Document): string[] {
  return [...index.search(operand, get).keys()].sort();
}

test('when text has accents, capitals and punctuation, then tokens are lowercase words that keep their accents', () => {
  expect(tokenise("L'Écart, c'est 3,5 % — ÇA!", 'french')).toEqual(['l', 'écart', 'c', 'est', '3', '5', 'ça']);
});

test('when the text is English, then an apostrophe stays inside the word, as in MongoDB', () => {
  expect(tokenise("Don't stop", 'english')).toEqual(["don't", 'stop']);
});

test('when French words are indexed, then they are stemmed before their accents are stripped', () => {
  expect(termsOf('passe sanitaire', 'french')).toEqual(['pass', 'sanitair']);
  expect(termsOf('pass sanitaires', 'french')).toEqual(['pass', 'sanitair']);
  expect(termsOf('Déclarations', 'french')).toEqual(termsOf('declaration', 'french'));
  expect(termsOf('Écart', 'french')).toEqual(['ecart']);
});

test('when French or English stop words are indexed, then they are dropped; with none, every word is kept unstemmed', () => {
  expect(termsOf("le déficit de l'État et la dette", 'french')).toEqual(['defic', 'etat', 'det']);
  expect(termsOf('the figures of the year', 'english')).toEqual(['figur', 'year']);
  expect(termsOf('le déficits', 'none')).toEqual(['le', 'deficits']);
});

test('when a language is named by MongoDB name or ISO code in any case, then it resolves; others do not', () => {
  expect(resolveLanguage('fr')).toBe('french');
  expect(resolveLanguage('French')).toBe('french');
  expect(resolveLanguage('nb')).toBe('norwegian');
  expect(resolveLanguage('none')).toBe('none');
  expect(resolveLanguage('klingon')).toBeNull();
  expect(resolveLanguage('porter')).toBeNull();
});

test('when the search has phrases and negations, then they are parsed apart from terms, phrase words counting as terms', () => {
  expect(parseSearch('dettes "Écart budgétaire" -inflation -"dette publique"', 'french')).toEqual({
    terms: ['ecart', 'budgetair', 'det'],
    negated: ['inflat'],
    phrases: ['ecart budgetaire'],
    negatedPhrases: ['dette publique'],
  });
});

test('when searching terms, then any matching term is enough and title weight ranks higher', () => {
  const { index, get } = indexWith({ a: { title: 'Écart' }, b: { body: 'écart' }, c: { body: 'autre' } }, { default_language: 'french' });
  const scores = index.search({ $search: 'ecart' }, get);
  expect([...scores.keys()].sort()).toEqual(['a', 'b']);
  expect(scores.get('a')).toBeGreaterThan(scores.get('b') ?? Infinity);
});

test('when a term repeats in a field, then each further occurrence adds half as much as the one before', () => {
  const index = new TextIndex({ name: 't', key: { body: 'text' }, default_language: 'none' });
  index.add('one', { body: 'ecart x' });
  index.add('two', { body: 'ecart ecart' });
  const scores = index.search({ $search: 'ecart' }, () => undefined);
  // MongoDB's formula: weight × freq × (0.5 × count/terms + 0.5): 1 × 1 × 0.75 and 1 × 1.5 × 1 (+10 % for neither).
  expect(scores.get('one')).toBeCloseTo(0.75);
  expect(scores.get('two')).toBeCloseTo(1.5);
});

test('when French singular and plural, accented and plain forms differ, then they still match each other', () => {
  const { index, get } = indexWith(
    { a: { title: 'Le passe sanitaire' }, b: { body: 'Les déclarations du ministre' }, c: { body: "L'écart se creuse" } },
    { default_language: 'french' },
  );
  expect(matches(index, get, { $search: 'pass sanitaires' })).toEqual(['a']);
  expect(matches(index, get, { $search: 'declaration' })).toEqual(['b']);
  expect(matches(index, get, { $search: 'ECART' })).toEqual(['c']);
});

test('when the query is made only of stop words, then nothing matches', () => {
  const { index, get } = indexWith({ a: { body: 'le la les de' } }, { default_language: 'french' });
  expect(matches(index, get, { $search: 'le la' })).toEqual([]);
});

test('when a document names its own language, then its words are stemmed and filtered in that language', () => {
  const { index, get } = indexWith({ fr: { body: 'les figures' }, en: { body: 'the figures', language: 'en' } }, { default_language: 'french' });
  // English stems "figures" to "figur", French to "figur" as well; "the" is an English stop word only.
  expect(matches(index, get, { $search: 'the' })).toEqual([]);
  expect(matches(index, get, { $search: 'the', $language: 'none' })).toEqual([]);
  expect(matches(index, get, { $search: 'figure' })).toEqual(['en', 'fr']);
});

test('when a sub-document names its language, then that language applies to the fields below it', () => {
  const index = new TextIndex({ name: 't', key: { 'quote.text': 'text' }, default_language: 'none' });
  index.add('a', { quote: { text: 'running', language: 'english' } });
  expect([...index.search({ $search: 'run', $language: 'english' }, () => undefined).keys()]).toEqual(['a']);
});

test('when a document names an unsupported language, then it is refused with 17262, and a non-string with 17261', () => {
  const { index } = indexWith({}, { default_language: 'french' });
  expect(thrownBy(() => index.add('x', { body: 'x', language: 'klingon' }))).toMatchObject({ code: 17262, message: 'language override unsupported: klingon' });
  expect(thrownBy(() => index.add('x', { body: 'x', language: 3 }))).toMatchObject({ code: 17261 });
});

test('when the language override field is renamed, then the language field is ordinary data', () => {
  const { index, get } = indexWith({ a: { body: 'écarts', language: 'klingon' } }, { default_language: 'fr', language_override: 'lang' });
  expect(matches(index, get, { $search: 'écart' })).toEqual(['a']);
});

test('when an index names an unsupported default language, then it is refused with CannotCreateIndex', () => {
  expect(thrownBy(() => new TextIndex({ name: 't', key: { body: 'text' }, default_language: 'klingon' }))).toMatchObject({ code: 67, message: 'default_language is not valid' });
});

test('when $language is given, then the query is stemmed with it; an unsupported one is refused with BadValue', () => {
  const { index, get } = indexWith({ a: { body: 'running' } }, { default_language: 'english' });
  expect(matches(index, get, { $search: 'runs' })).toEqual(['a']);
  expect(matches(index, get, { $search: 'runs', $language: 'none' })).toEqual([]);
  expect(thrownBy(() => index.search({ $search: 'x', $language: 'klingon' }, get))).toMatchObject({ code: 2 });
});

test('when a phrase is given, then only documents containing it, accents and case aside, match', () => {
  const { index, get } = indexWith({ a: { body: 'un Écart budgétaire' }, b: { body: 'budgétaire écart' } }, { default_language: 'french' });
  expect(matches(index, get, { $search: '"ecart budgetaire"' })).toEqual(['a']);
  expect(matches(index, get, { $search: 'ecart -"ecart budgetaire"' })).toEqual(['b']);
});

test('when a term is negated, then documents containing it are excluded', () => {
  const { index, get } = indexWith({ a: { body: 'écart inflation' }, b: { body: 'écart chômage' } });
  expect(matches(index, get, { $search: 'ecart -inflation' })).toEqual(['b']);
});

test('when a document is removed, then it no longer matches', () => {
  const { index, get } = indexWith({ a: { body: 'écart' } });
  index.remove('a');
  expect(index.search({ $search: 'ecart' }, get).size).toBe(0);
});

test('when case-sensitive search or an unknown $text field is requested, then it is refused rather than ignored', () => {
  const { index, get } = indexWith({});
  expect(() => index.search({ $search: 'x', $caseSensitive: true }, get)).toThrow(MongoError);
  expect(thrownBy(() => index.search({ $search: 'x', $fuzzy: true }, get))).toMatchObject({ code: 2 });
});

test('when $** is indexed with weights, then the named paths weigh more and the language field is not indexed', () => {
  const index = new TextIndex({ name: 't', key: { '$**': 'text' }, weights: { 'a.title': 10 }, default_language: 'none' });
  index.add('x', { a: { title: 'ecart' } });
  index.add('y', { b: 'ecart', language: 'none' });
  const scores = index.search({ $search: 'ecart' }, () => undefined);
  expect(scores.get('x')).toBeGreaterThan(scores.get('y') ?? Infinity);
  expect(index.search({ $search: 'none' }, () => undefined).size).toBe(0);
});
