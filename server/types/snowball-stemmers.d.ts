// snowball-stemmers ships no types: the part the embedded server's $text and the search highlighting use.
declare module 'snowball-stemmers' {
  interface Stemmer {
    stem(word: string): string;
  }
  export function newStemmer(language: string): Stemmer;
  export function algorithms(): string[];
}
