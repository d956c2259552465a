/**
 * `$text` support over a collection's single text index: an inverted index from terms to
 * per-document scores, built as MongoDB's text index version 3 builds its keys.
 *
 * A word becomes a term by: lowercase; drop it if it is a stop word of its language; stem it
 * with that language's Snowball stemmer (Snowball's rules expect the accents, so "é" must
 * still be there); strip diacritics, so "ecart" finds "Écart" (version 3 is case- and
 * diacritic-insensitive). The language is the index's `default_language`, overridden per
 * document (and per sub-document) by the `language_override` field; an unsupported language is
 * refused with MongoDB's codes, never indexed as something else. See README.md ("$text").
 */
import type { Document } from 'bson';
import { newStemmer, type Stemmer } from 'snowball-stemmers';
import type { IndexSpec } from '../persistence.types';
import { MongoError } from '../errors';
import { isPlainObject } from './document-utils';
import { STOP_WORDS } from './text-stop-words';

/** MongoDB's text-search languages (names and ISO codes) → Snowball algorithm, or 'none'. */
const LANGUAGE_CODES: readonly (readonly [string, string])[] = [
  ['danish', 'da'], ['dutch', 'nl'], ['english', 'en'], ['finnish', 'fi'], ['french', 'fr'],
  ['german', 'de'], ['hungarian', 'hu'], ['italian', 'it'], ['norwegian', 'nb'], ['portuguese', 'pt'],
  ['romanian', 'ro'], ['russian', 'ru'], ['spanish', 'es'], ['swedish', 'sv'], ['turkish', 'tr'],
];
const LANGUAGES: ReadonlyMap<string, string> = new Map<string, string>([
  ...LANGUAGE_CODES.flatMap(([name, code]): [string, string][] => [[name, name], [code, name]]),
  ['none', 'none'],
]);

/** The canonical language for a name or code (case-insensitive, as MongoDB compares them), or null. */
export function resolveLanguage(name: string): string | null {
  return LANGUAGES.get(name.toLowerCase()) ?? null;
}

export function stripDiacritics(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').normalize('NFC');
}

/** Case- and diacritic-folding, as text index version 3 compares words and phrases. */
export function normaliseText(text: string): string {
  return stripDiacritics(text.toLowerCase());
}

interface Analyzer {
  stopWords: ReadonlySet<string>;
  stemmer: Stemmer | null;
  /** MongoDB keeps the apostrophe inside English words ("don't") and splits on it elsewhere ("l'écart"). */
  splitter: RegExp;
}

const analyzers = new Map<string, Analyzer>();

function analyzerFor(language: string): Analyzer {
  let analyzer = analyzers.get(language);
  if (!analyzer) {
    analyzer = {
      stopWords: new Set((STOP_WORDS[language] ?? []).map(normaliseText)),
      stemmer: language === 'none' ? null : newStemmer(language),
      splitter: language === 'english' ? /[^\p{L}\p{N}']+/u : /[^\p{L}\p{N}]+/u,
    };
    analyzers.set(language, analyzer);
  }
  return analyzer;
}

/** Lowercased words, split as MongoDB's tokenizer splits them (no stemming, stop words kept). */
export function tokenise(text: string, language = 'none'): string[] {
  return text
    .toLowerCase()
    .split(analyzerFor(language).splitter)
    .map((t) => t.replace(/^'+|'+$/g, ''))
    .filter((t) => t.length > 0);
}

/** The index terms of a text: stop words dropped, words stemmed, then diacritics stripped. */
export function termsOf(text: string, language: string): string[] {
  const analyzer = analyzerFor(language);
  const terms: string[] = [];
  for (const word of tokenise(text, language)) {
    if (analyzer.stopWords.has(stripDiacritics(word))) continue;
    terms.push(stripDiacritics(analyzer.stemmer ? analyzer.stemmer.stem(word) : word));
  }
  return terms;
}

export interface ParsedSearch {
  terms: string[];
  negated: string[];
  /** Each phrase case- and diacritic-folded; a document matches by substring, as in MongoDB. */
  phrases: string[];
  negatedPhrases: string[];
}

/**
 * MongoDB's `$search` grammar: words are OR-ed, `"phrases"` must all appear (and their words
 * count as terms for the score), `-word` and `-"phrase"` exclude.
 */
export function parseSearch(search: string, language = 'none'): ParsedSearch {
  const phrases: string[] = [];
  const negatedPhrases: string[] = [];
  const terms: string[] = [];
  const withoutPhrases = search.replace(/(-?)"([^"]*)"/g, (_m, minus: string, phrase: string) => {
    if (phrase.trim().length > 0) {
      (minus ? negatedPhrases : phrases).push(normaliseText(phrase));
      if (!minus) terms.push(...termsOf(phrase, language));
    }
    return ' ';
  });
  const negated: string[] = [];
  for (const word of withoutPhrases.split(/\s+/)) {
    if (word.length === 0) continue;
    const isNegated = word.startsWith('-');
    (isNegated ? negated : terms).push(...termsOf(isNegated ? word.slice(1) : word, language));
  }
  return { terms: [...new Set(terms)], negated: [...new Set(negated)], phrases, negatedPhrases };
}

/** The text index spec as clients send it: `{ title: 'text' }` or `{ '$**': 'text' }`. */
export function isTextIndexKey(key: Record<string, unknown>): boolean {
  return Object.values(key).some((v) => v === 'text');
}

/**
 * Checks a text index's language options as MongoDB's FTSSpec does at createIndexes
 * (CannotCreateIndex, with its messages).
 */
export function validateTextIndexOptions(spec: { default_language?: unknown; language_override?: unknown }): void {
  if (spec.default_language !== undefined) {
    if (typeof spec.default_language !== 'string') throw new MongoError('CannotCreateIndex', 'default_language needs a string type');
    if (!resolveLanguage(spec.default_language)) throw new MongoError('CannotCreateIndex', 'default_language is not valid');
  }
  if (spec.language_override !== undefined && typeof spec.language_override !== 'string') {
    throw new MongoError('CannotCreateIndex', 'language_override must be a string');
  }
}

interface FieldText {
  text: string;
  weight: number;
  language: string;
}

export class TextIndex {
  readonly spec: IndexSpec;
  readonly defaultLanguage: string;
  readonly languageOverride: string;
  /** Field → weight; null means every string field (`$**`). */
  private readonly weights: Map<string, number> | null;
  private readonly postings = new Map<string, Map<string, number>>();
  private readonly termsByDoc = new Map<string, Map<string, number>>();

  constructor(spec: IndexSpec) {
    validateTextIndexOptions(spec);
    this.spec = spec;
    this.defaultLanguage = resolveLanguage(spec.default_language ?? 'english') as string;
    this.languageOverride = spec.language_override ?? 'language';
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

  /**
   * Each term's score in a document, as MongoDB's text index version 3 computes it: per indexed
   * string, the n-th occurrence of a term adds 1/2^(n-1), times the field weight, times
   * 0.5 + 0.5 × (the term's occurrences / the string's terms), plus 10 % when the term is
   * the whole string. Throws MongoDB's 17261/17262 for a bad language field, so callers can
   * check a document before changing anything.
   */
  termScores(doc: Document): Map<string, number> {
    const scores = new Map<string, number>();
    for (const { text, weight, language } of this.fieldTexts(doc)) {
      const terms = termsOf(text, language);
      const counts = new Map<string, { freq: number; count: number; next: number }>();
      for (const term of terms) {
        const c = counts.get(term) ?? { freq: 0, count: 0, next: 1 };
        c.freq += c.next;
        c.next /= 2;
        c.count++;
        counts.set(term, c);
      }
      const whole = normaliseText(text);
      for (const [term, c] of counts) {
        const coeff = 0.5 * (c.count / terms.length) + 0.5;
        const adjustment = whole === term ? 1.1 : 1;
        scores.set(term, (scores.get(term) ?? 0) + weight * c.freq * coeff * adjustment);
      }
    }
    return scores;
  }

  /** Indexes a document; `termScores` when the caller has computed them already (the write's check). */
  add(id: string, doc: Document, termScores: Map<string, number> = this.termScores(doc)): void {
    if (termScores.size === 0) return;
    this.termsByDoc.set(id, termScores);
    for (const [term, score] of termScores) {
      let posting = this.postings.get(term);
      if (!posting) {
        posting = new Map();
        this.postings.set(term, posting);
      }
      posting.set(id, score);
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
   * Ids matching the `$text` operand, with their scores (the sum of each query term's score
   * in the document). Terms are OR-ed; every phrase must appear; a negated term or phrase
   * excludes the document. Phrases need the document text, so the caller passes a way to
   * fetch a document by id.
   */
  search(operand: unknown, getDoc: (id: string) => Document | undefined): Map<string, number> {
    if (!isPlainObject(operand) || typeof operand.$search !== 'string') {
      throw new MongoError('BadValue', '$text requires a $search string');
    }
    for (const key of Object.keys(operand)) {
      if (!['$search', '$language', '$caseSensitive', '$diacriticSensitive'].includes(key)) {
        throw new MongoError('BadValue', `extra fields in $text: ${key}`);
      }
    }
    if (operand.$caseSensitive === true || operand.$diacriticSensitive === true) {
      throw new MongoError(
        'NotImplemented',
        "$caseSensitive and $diacriticSensitive are not supported by Écart's embedded server",
      );
    }
    let language = this.defaultLanguage;
    if (operand.$language !== undefined) {
      if (typeof operand.$language !== 'string') throw new MongoError('TypeMismatch', '$language requires a string value');
      const resolved = resolveLanguage(operand.$language);
      if (!resolved) throw new MongoError('BadValue', `unsupported language: "${operand.$language}" for text index version 3`);
      language = resolved;
    }
    const parsed = parseSearch(operand.$search, language);
    const scores = new Map<string, number>();
    for (const term of parsed.terms) {
      for (const [id, score] of this.postings.get(term) ?? []) {
        scores.set(id, (scores.get(id) ?? 0) + score);
      }
    }
    for (const term of parsed.negated) {
      for (const id of this.postings.get(term)?.keys() ?? []) scores.delete(id);
    }
    if (parsed.phrases.length > 0 || parsed.negatedPhrases.length > 0) {
      for (const id of [...scores.keys()]) {
        const doc = getDoc(id);
        const texts = doc ? this.fieldTexts(doc).map((f) => normaliseText(f.text)) : [];
        const has = (phrase: string): boolean => texts.some((t) => t.includes(phrase));
        if (!parsed.phrases.every(has) || parsed.negatedPhrases.some(has)) scores.delete(id);
      }
    }
    return scores;
  }

  /** The indexed strings of a document, each with its field weight and language. */
  private fieldTexts(doc: Document): FieldText[] {
    const out: FieldText[] = [];
    const language = this.languageOf(doc, this.defaultLanguage);
    if (this.weights === null) {
      this.collectStrings(doc, '', language, out);
      return out;
    }
    for (const [field, weight] of this.weights) this.collectPath(doc, field.split('.'), weight, language, out);
    return out;
  }

  /** A (sub-)document's own language field overrides the language around it, as in MongoDB. */
  private languageOf(obj: Document, inherited: string): string {
    const value: unknown = obj[this.languageOverride];
    if (value === undefined) return inherited;
    if (typeof value !== 'string') {
      throw new MongoError('Location17261', 'found language override field in document with non-string type');
    }
    const resolved = resolveLanguage(value);
    if (!resolved) throw new MongoError('Location17262', `language override unsupported: ${value}`);
    return resolved;
  }

  private collectPath(value: unknown, path: string[], weight: number, language: string, out: FieldText[]): void {
    if (Array.isArray(value)) {
      for (const v of value) this.collectPath(v, path, weight, language, out);
      return;
    }
    if (path.length === 0) {
      if (typeof value === 'string') out.push({ text: value, weight, language });
      return;
    }
    if (!isPlainObject(value)) return;
    const [head, ...rest] = path as [string, ...string[]];
    const lang = this.languageOf(value, language);
    this.collectPath(value[head], rest, weight, lang, out);
  }

  /** `$**`: every string, weighted 1 unless `weights` names its dotted path. */
  private collectStrings(value: unknown, path: string, language: string, out: FieldText[]): void {
    if (typeof value === 'string') out.push({ text: value, weight: this.spec.weights?.[path] ?? 1, language });
    else if (Array.isArray(value)) value.forEach((v) => this.collectStrings(v, path, language, out));
    else if (isPlainObject(value)) {
      const lang = this.languageOf(value, language);
      for (const [k, v] of Object.entries(value)) {
        if (k !== this.languageOverride) this.collectStrings(v, path ? `${path}.${k}` : k, lang, out);
      }
    }
  }
}
