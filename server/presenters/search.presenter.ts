import type { SearchFacets, SearchTerms } from '../services/search.service';
import { escapeMarkup } from '../services/markup';
import { foldText, stemOf } from '../services/search-text';
import { speakerName, type PresentContext } from './present-context';


const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** Whether a word of a result is one the query asked for: same stem, same folded form, or (prefix search) same beginning. */
export function wordMatcher(terms: SearchTerms): (word: string) => boolean {
  const folded = new Set(terms.words);
  const stems = new Set(terms.words.map(stemOf));
  return (word) => {
    const f = foldText(word);
    return folded.has(f) || stems.has(stemOf(word)) || (terms.prefix !== null && f.startsWith(terms.prefix));
  };
}

/**
 * The text as HTML with the query's words in <mark>: every piece escaped first, then the
 * marks (which the server writes) put around whole escaped words. Never raw text.
 */
export function highlight(text: string, matches: (word: string) => boolean): string {
  let html = '';
  let at = 0;
  for (const m of text.matchAll(WORD)) {
    html += escapeMarkup(text.slice(at, m.index));
    html += matches(m[0]) ? `<mark>${escapeMarkup(m[0])}</mark>` : escapeMarkup(m[0]);
    at = m.index + m[0].length;
  }
  return html + escapeMarkup(text.slice(at));
}

const EXCERPT_BEFORE = 80;
const EXCERPT_LENGTH = 240;

/** Part of a long text around its first matching word, highlighted; null when no word matches. */
export function highlightedExcerpt(text: string, matches: (word: string) => boolean): string | null {
  const first = [...text.matchAll(WORD)].find((m) => matches(m[0]));
  if (!first) return null;
  let start = Math.max(0, first.index - EXCERPT_BEFORE);
  if (start > 0) start = text.indexOf(' ', start) + 1 || start;
  let end = Math.min(text.length, start + EXCERPT_LENGTH);
  if (end < text.length) end = text.lastIndexOf(' ', end) > first.index ? text.lastIndexOf(' ', end) : end;
  return `${start > 0 ? '… ' : ''}${highlight(text.slice(start, end), matches)}${end < text.length ? ' …' : ''}`;
}

/** The search URL with the query and filters, changing what is given; empty values are left out. */
export function searchHref(params: Record<string, string | number | null | undefined>): string {
  const qs = new URLSearchParams();
  for (const key of ['q', 'topic', 'speaker', 'verdict', 'state', 'page'] as const) {
    const value = params[key];
    if (value === null || value === undefined || value === '') continue;
    if (key === 'page' && Number(value) <= 1) continue;
    qs.set(key, String(value));
  }
  return `/search?${qs.toString()}`;
}

interface FacetLink {
  label: string;
  count: number;
  href: string;
  selected: boolean;
}

/** The facet lists: each value a link to the same search filtered by it (or, when chosen, without it). */
export function presentFacets(
  ctx: PresentContext,
  facets: SearchFacets,
  current: { q: string; topic?: string; speaker?: string; verdict?: string; state?: string },
) {
  const link = (key: 'topic' | 'speaker' | 'verdict' | 'state', value: string, label: string, count: number): FacetLink => {
    const selected = current[key] === value;
    return { label, count, selected, href: searchHref({ ...current, [key]: selected ? undefined : value }) };
  };
  return [
    { key: 'topic', title: ctx.t('search.facet.topic'), values: facets.topics.map((f) => link('topic', f.topic.slug, f.topic.name, f.count)) },
    { key: 'speaker', title: ctx.t('search.facet.speaker'), values: facets.speakers.map((f) => link('speaker', f.speaker.slug, speakerName(ctx, f.speaker), f.count)) },
    { key: 'state', title: ctx.t('search.facet.state'), values: facets.states.map((f) => link('state', f.key, ctx.t(`state.${f.key}`), f.count)) },
    { key: 'verdict', title: ctx.t('search.facet.verdict'), values: facets.verdicts.map((f) => link('verdict', f.key, ctx.t(`verdict.${f.key}`), f.count)) },
  ].filter((facet) => facet.values.length > 0);
}
