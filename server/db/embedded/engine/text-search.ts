/**
 * `$text` support over a collection's single text index: an inverted index from normalised
 * terms to per-document weighted term counts. Normalisation is NFD, strip combining marks,
 * lowercase, so "ecart" finds "Écart". There is no stemming and no stop-word list (real
 * MongoDB has both); see README.md.
 */
import type { Document } from 'bson';
import type { IndexSpec } from '../persistence.types';
import { MongoError } from '../errors';
import { isPlainObject, valuesAtPath } from './document-utils';

export function normaliseText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

export function tokenise(text: string): string[] {
  return normaliseText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);
}

export interface ParsedSearch {
  terms: string[];
  negated: string[];
  /** Each phrase normalised and reduced to its tokens joined by single spaces. */
  phrases: string[];
}

export function parseSearch(search: string): ParsedSearch {
  const phrases: string[] = [];
  const withoutPhrases = search.replace(/"([^"]*)"/g, (_m, phrase: string) => {
    const tokens = tokenise(phrase);
    if (tokens.length > 0) phrases.push(tokens.join(' '));
    return ' ';
  });
  const terms: string[] = [];
  const negated: string[] = [];
  for (const word of withoutPhrases.split(/\s+/)) {
    if (word.length === 0) continue;
    const isNegated = word.startsWith('-');
    const tokens = tokenise(isNegated ? word.slice(1) : word);
    (isNegated ? negated : terms).push(...tokens);
  }
  return { terms: [...new Set(terms)], negated: [...new Set(negated)], phrases };
}

/** The text index spec as clients send it: `{ title: 'text' }` or `{ '$**': 'text' }`. */
export function isTextIndexKey(key: Record<string, unknown>): boolean {
  return Object.values(key).some((v) => v === 'text');
}

export class TextIndex {
  readonly spec: IndexSpec;
  /** Field → weight; null means every string field (`$**`). */
  private readonly weights: Map<string, number> | null;
  private readonly postings = new Map<string, Map<string, number>>();
  private readonly termsByDoc = new Map<string, Map<string, number>>();

  constructor(spec: IndexSpec) {
    this.spec = spec;
    const textFields = Object.entries(spec.key)
      .filter(([, v]) => v === 'text')
      .map(([k]) => k);
    if (textFields.includes('$**')) {
      this.weights = null;
    } else {
      this.weights = new Map(textFields.map((f) => [f, spec.weights?.[f] ?? 1]));
      for (const [f, w] of Object.entries(spec.weights ?? {})) this.weights.set(f, w);
    }
  }

  add(id: string, doc: Document): void {
    const termWeights = new Map<string, number>();
    for (const { text, weight } of this.fieldTexts(doc)) {
      for (const term of tokenise(text)) termWeights.set(term, (termWeights.get(term) ?? 0) + weight);
    }
    if (termWeights.size === 0) return;
    this.termsByDoc.set(id, termWeights);
    for (const [term, weight] of termWeights) {
      let posting = this.postings.get(term);
      if (!posting) {
        posting = new Map();
        this.postings.set(term, posting);
      }
      posting.set(id, weight);
    }
  }

  remove(id: string): void {
    const terms = this.termsByDoc.get(id);
    if (!terms) return;
    for (const term of terms.keys()) {
      const posting = this.postings.get(term);
      posting?.delete(id);
      if (posting && posting.size === 0) this.postings.delete(term);
    }
    this.termsByDoc.delete(id);
  }

  clear(): void {
    this.postings.clear();
    this.termsByDoc.clear();
  }

  /**
   * Ids matching the `$text` operand, with their scores. Terms are OR-ed; every phrase must
   * appear; a negated term excludes the document. Phrases need the document text, so the
   * caller passes a way to fetch a document by id.
   */
  search(operand: unknown, getDoc: (id: string) => Document | undefined): Map<string, number> {
    if (!isPlainObject(operand) || typeof operand.$search !== 'string') {
      throw new MongoError('BadValue', '$text requires a $search string');
    }
    if (operand.$caseSensitive === true || operand.$diacriticSensitive === true) {
      throw new MongoError(
        'NotImplemented',
        "$caseSensitive and $diacriticSensitive are not supported by Écart's embedded server",
      );
    }
    const parsed = parseSearch(operand.$search);
    const positive = new Set([...parsed.terms, ...parsed.phrases.flatMap((p) => p.split(' '))]);
    const scores = new Map<string, number>();
    for (const term of positive) {
      for (const [id, weight] of this.postings.get(term) ?? []) {
        scores.set(id, (scores.get(id) ?? 0) + weight);
      }
    }
    for (const term of parsed.negated) {
      for (const id of this.postings.get(term)?.keys() ?? []) scores.delete(id);
    }
    if (parsed.phrases.length > 0) {
      for (const id of [...scores.keys()]) {
        const doc = getDoc(id);
        const text = doc ? this.fieldTexts(doc).map((f) => tokenise(f.text).join(' ')) : [];
        const hasAll = parsed.phrases.every((phrase) => text.some((t) => ` ${t} `.includes(` ${phrase} `)));
        if (!hasAll) scores.delete(id);
      }
    }
    return scores;
  }

  private fieldTexts(doc: Document): { text: string; weight: number }[] {
    const out: { text: string; weight: number }[] = [];
    if (this.weights === null) {
      collectStrings(doc, (text) => out.push({ text, weight: 1 }));
      return out;
    }
    for (const [field, weight] of this.weights) {
      for (const value of valuesAtPath(doc, field)) {
        if (typeof value === 'string') out.push({ text: value, weight });
      }
    }
    return out;
  }
}

function collectStrings(value: unknown, push: (s: string) => void): void {
  if (typeof value === 'string') push(value);
  else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, push));
  else if (isPlainObject(value)) Object.values(value).forEach((v) => collectStrings(v, push));
}
