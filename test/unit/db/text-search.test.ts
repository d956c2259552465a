import { MongoError } from '../../../server/db/embedded/errors';
import { TextIndex, parseSearch, tokenise } from '../../../server/db/embedded/engine/text-search';

function indexWith(docs: Record<string, { title?: string; body?: string }>): { index: TextIndex; get: (id: string) => Record<string, unknown> | undefined } {
  const index = new TextIndex({ name: 'text', key: { title: 'text', body: 'text' }, weights: { title: 10 } });
  for (const [id, doc] of Object.entries(docs)) index.add(id, doc);
  return { index, get: (id) => docs[id] };
}

test('when text has accents, capitals and punctuation, then tokens are plain lowercase words', () => {
  expect(tokenise("L'Écart, c'est 3,5 % — ÇA!")).toEqual(['l', 'ecart', 'c', 'est', '3', '5', 'ca']);
});

test('when the search has phrases and negations, then they are parsed apart from terms', () => {
  expect(parseSearch('déficit "Écart budgétaire" -inflation')).toEqual({
    terms: ['deficit'],
    negated: ['inflation'],
    phrases: ['ecart budgetaire'],
  });
});

test('when searching terms, then any matching term is enough and title weight ranks higher', () => {
  const { index, get } = indexWith({ a: { title: 'Écart' }, b: { body: 'écart' }, c: { body: 'autre' } });
  const scores = index.search({ $search: 'ecart' }, get);
  expect([...scores.keys()].sort()).toEqual(['a', 'b']);
  expect(scores.get('a')).toBeGreaterThan(scores.get('b') ?? Infinity);
});

test('when a phrase is given, then only documents containing the words in order match', () => {
  const { index, get } = indexWith({ a: { body: 'un écart budgétaire' }, b: { body: 'budgétaire écart' } });
  expect([...index.search({ $search: '"ecart budgetaire"' }, get).keys()]).toEqual(['a']);
});

test('when a term is negated, then documents containing it are excluded', () => {
  const { index, get } = indexWith({ a: { body: 'écart inflation' }, b: { body: 'écart chômage' } });
  expect([...index.search({ $search: 'ecart -inflation' }, get).keys()]).toEqual(['b']);
});

test('when a document is removed, then it no longer matches', () => {
  const { index, get } = indexWith({ a: { body: 'écart' } });
  index.remove('a');
  expect(index.search({ $search: 'ecart' }, get).size).toBe(0);
});

test('when case-sensitive search is requested, then it is refused rather than ignored', () => {
  const { index, get } = indexWith({});
  expect(() => index.search({ $search: 'x', $caseSensitive: true }, get)).toThrow(MongoError);
});
