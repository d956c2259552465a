import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { SEED_DATA } from '../../../seed/data/seed-data';
import { parseSeedDate } from '../../../seed/seed-dates';
import type { SeedData } from '../../../seed/seed.types';

/**
 * The anti-fabrication audit: every figure, date, quote, outlet and title in the seed must be
 * found in the article it names. A fact-checking product that makes facts up is worthless,
 * so the audit is written to fail loudly, and the last block proves that it does.
 */

const ARTICLES_DIR = path.resolve(__dirname, '../../../seed/articles');
const TIME_ZONE = 'Europe/Paris';
const TITLE_MAX = 75;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const ARTICLE_FILE = /^\d{3}_[0-9a-f]{16}\.txt$/;

const PASS = '000_f46d593f81e3144c.txt';
const ANTS = '001_8a6a43e80279192f.txt';
const TES = '002_d036acc674b416bc.txt';
const PEGASUS = '003_df39a5de5e689379.txt';
const LEAKS = '004_64a3a74e9caf1621.txt';

/**
 * Everything the seed says that its article does not print as such, with the reasoning.
 * Keys are numbers (as written) or French month names. Adding a line here is a reviewed
 * editorial decision, not a way to make the audit pass.
 */
const DERIVED: Record<string, Record<string, string>> = {
  [ANTS]: {
    '13': '« demain matin », écrit le mardi 12 septembre 2023 à 20h : mercredi 13 septembre 2023, avant midi',
  },
  [TES]: {
    octobre: 'image « marchepublic-amesys-octobe2016-ants » (sic) : l’avis de marché est d’octobre 2016',
    décembre: '« devrait être opérationnel en 2017 » : à l’heure jusqu’au 31 décembre 2017, 23:59',
    '31': '« devrait être opérationnel en 2017 » : à l’heure jusqu’au 31 décembre 2017, 23:59',
    '23': '« devrait être opérationnel en 2017 » : à l’heure jusqu’au 31 décembre 2017, 23:59',
    '59': '« devrait être opérationnel en 2017 » : à l’heure jusqu’au 31 décembre 2017, 23:59',
  },
  [PEGASUS]: {
    '2021':
      '« ce jeudi 22 juillet » : le 22 juillet est un jeudi en 2021, après le « 20 juillet 2020 » de la légende, à la veille des JO de Tokyo',
    '21': '« mercredi », veille du jeudi 22 juillet 2021',
  },
  [LEAKS]: {
    '6': '« samedi », lendemain du « vendredi » 5 mai 2017 (nuit du 4 au 5 mai, second tour imminent)',
  },
};

/** Weekday derivations: the article's words, and the calendar date the seed gives them. */
const DERIVED_WEEKDAYS: readonly { article: string; words: string; date: string }[] = [
  { article: PASS, words: 'lundi 20 décembre 2021', date: '2021-12-20' },
  { article: ANTS, words: 'Lundi 11', date: '2023-09-11' },
  { article: ANTS, words: 'mardi 12 septembre à 20h', date: '2023-09-12' },
  { article: PEGASUS, words: 'ce jeudi 22 juillet', date: '2021-07-22' },
  { article: PEGASUS, words: 'mercredi', date: '2021-07-21' },
  { article: LEAKS, words: 'saisi vendredi', date: '2017-05-05' },
  { article: LEAKS, words: 'samedi', date: '2017-05-06' },
];

const FRENCH_MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const DATE_KEYS = new Set(['saidAt', 'dueAt', 'setAt', 'asOf', 'deliveredAt', 'at', 'publishedAt']);
/** Identifiers and enums: not facts, so not searched for in the text. */
const IDENTIFIER_KEYS = new Set(['slug', 'key', 'article', 'speaker', 'topics', 'kind', 'rating', 'currency', 'language']);

interface ArticleLibrary {
  exists(name: string): boolean;
  text(name: string): string;
}

const diskArticles: ArticleLibrary = {
  exists: (name) => ARTICLE_FILE.test(name) && fs.existsSync(path.join(ARTICLES_DIR, name)),
  text: (name) => fs.readFileSync(path.join(ARTICLES_DIR, name), 'utf8'),
};

/** Only whitespace and typographic apostrophes and quotes are normalised, nothing else. */
function normalise(text: string): string {
  return text
    .replace(/[\u2018\u2019\u02BC]/g, "'")
    .replace(/[\u201C\u201D\u201E\u00AB\u00BB"]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The numbers a text states, in French typography: "182 000", "3 307", "50.000", "3601",
 * "70 %", "5 millions" (both 5 and 5 000 000).
 */
function numbersIn(text: string): number[] {
  const found: number[] = [];
  const pattern = /(\d{1,3}(?:[ \u00A0\u202F.]\d{3})+(?!\d)|\d+(?:,\d+)?)(?:\s+(millions?|milliards?)(?![\p{L}]))?/gu;
  for (const match of text.matchAll(pattern)) {
    const digits = match[1] ?? '';
    const base = Number(digits.replace(/[ \u00A0\u202F.]/g, '').replace(',', '.'));
    found.push(base);
    const scale = match[2];
    if (scale) found.push(base * (scale.startsWith('million') ? 1e6 : 1e9));
  }
  return found;
}

function monthNamed(text: string, month: string): boolean {
  return new RegExp(`(?<![\\p{L}])${month}(?![\\p{L}])`, 'iu').test(text);
}

interface Leaf {
  path: string;
  key: string;
  value: unknown;
  owner: Record<string, unknown>;
  /** The articles this leaf must be found in: its own source's, or its claim's. */
  articles: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function ownArticle(obj: Record<string, unknown>): string | undefined {
  if (typeof obj.article === 'string') return obj.article;
  const source = obj.source;
  return isRecord(source) && typeof source.article === 'string' ? source.article : undefined;
}

function leavesOf(value: unknown, at: string, articles: string[], key: string, owner: Record<string, unknown>, out: Leaf[]): Leaf[] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => leavesOf(item, `${at}[${i}]`, articles, key, owner, out));
  } else if (isRecord(value)) {
    const own = ownArticle(value);
    const scope = own ? [own] : articles;
    for (const [k, v] of Object.entries(value)) leavesOf(v, `${at}.${k}`, scope, k, value, out);
  } else {
    out.push({ path: at, key, value, owner, articles });
  }
  return out;
}

/** Checks the seed against the articles; returns one readable line per problem. */
function auditSeedData(data: SeedData, library: ArticleLibrary): string[] {
  const problems: string[] = [];
  const textCache = new Map<string, { raw: string; normalised: string; numbers: Set<number> }>();
  const article = (name: string) => {
    let entry = textCache.get(name);
    if (!entry) {
      const raw = library.exists(name) ? library.text(name) : '';
      entry = { raw, normalised: normalise(raw), numbers: new Set(numbersIn(raw)) };
      textCache.set(name, entry);
    }
    return entry;
  };
  const derived = (names: string[], token: string) => names.some((name) => DERIVED[name]?.[token] !== undefined);
  const inSomeArticle = (names: string[], passage: string) => names.some((name) => article(name).normalised.includes(normalise(passage)));
  const numberStated = (names: string[], n: number) => names.some((name) => article(name).numbers.has(n)) || derived(names, String(n));

  const checkDate = (where: string, value: string, names: string[]) => {
    try {
      parseSeedDate(value, TIME_ZONE);
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
      return;
    }
    const [, year, month, day, hour, minute] = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2}))?)?)?/.exec(value) ?? [];
    for (const part of [year, day, hour, minute !== '00' ? minute : undefined]) {
      if (part !== undefined && !numberStated(names, Number(part))) {
        problems.push(`${where}: "${part}" in ${value} is in neither ${names.join(', ')} nor DERIVED`);
      }
    }
    if (month !== undefined) {
      const name = FRENCH_MONTHS[Number(month) - 1] ?? '?';
      if (!names.some((n) => monthNamed(article(n).raw, name)) && !derived(names, name)) {
        problems.push(`${where}: month "${name}" in ${value} is in neither ${names.join(', ')} nor DERIVED`);
      }
    }
  };

  const checkLeaf = (where: string, leaf: Leaf) => {
    const { key, value, owner, articles } = leaf;
    if (IDENTIFIER_KEYS.has(key)) return;
    if (typeof value === 'number') {
      if (!numberStated(articles, value)) problems.push(`${where}: the figure ${value} is not in ${articles.join(', ')}`);
      return;
    }
    if (typeof value !== 'string') return;
    if (DATE_KEYS.has(key)) {
      checkDate(where, value, articles);
      return;
    }
    if (key === 'url') {
      if (!inSomeArticle(articles, value)) problems.push(`${where}: URL ${value} is not in ${articles.join(', ')}`);
      return;
    }
    const verbatim =
      key === 'statement' ||
      key === 'quote' ||
      key === 'outlet' ||
      (key === 'title' && 'article' in owner) ||
      (key === 'text' && owner.verbatim === true);
    if (verbatim && !inSomeArticle(articles, value)) {
      problems.push(`${where}: not verbatim in ${articles.join(', ')}: "${value.slice(0, 80)}…"`);
    }
    for (const n of numbersIn(value)) {
      if (!numberStated(articles, n)) problems.push(`${where}: the number ${n} is not in ${articles.join(', ')}`);
    }
    // A passage in guillemets reads as a quotation wherever it is, so it must be one.
    for (const match of value.matchAll(/«\s*([^«»]+?)\s*»/g)) {
      const fragment = match[1] ?? '';
      if (!inSomeArticle(articles, fragment)) problems.push(`${where}: the quotation « ${fragment} » is not in ${articles.join(', ')}`);
    }
    for (const match of value.matchAll(/https?:\/\/\S+/g)) {
      if (!inSomeArticle(articles, match[0])) problems.push(`${where}: URL ${match[0]} is not in ${articles.join(', ')}`);
    }
  };

  // Identifiers and references.
  const unique = (what: string, slugs: string[]) => {
    const seen = new Set<string>();
    for (const slug of slugs) {
      if (!SLUG.test(slug) || slug.length > 120) problems.push(`${what} "${slug}": not a well-formed slug`);
      if (seen.has(slug)) problems.push(`${what} "${slug}": not unique`);
      seen.add(slug);
    }
  };
  unique('speaker', data.speakers.map((s) => s.slug));
  unique('topic', data.topics.map((t) => t.slug));
  unique('claim', data.claims.map((c) => c.slug));
  const speakers = new Set(data.speakers.map((s) => s.slug));
  const topics = new Set(data.topics.map((t) => t.slug));
  const usedSpeakers = new Set(data.claims.map((c) => c.speaker));
  const usedTopics = new Set(data.claims.flatMap((c) => c.topics));
  for (const s of speakers) if (!usedSpeakers.has(s)) problems.push(`speaker "${s}": no claim uses it`);
  for (const t of topics) if (!usedTopics.has(t)) problems.push(`topic "${t}": no claim uses it`);

  for (const claim of data.claims) {
    const at = `claim "${claim.slug}"`;
    const claimArticles = claim.sources.map((s) => s.article);
    if (claimArticles.length === 0) problems.push(`${at}: no source`);
    if (!speakers.has(claim.speaker)) problems.push(`${at}: unknown speaker "${claim.speaker}"`);
    for (const t of claim.topics) if (!topics.has(t)) problems.push(`${at}: unknown topic "${t}"`);
    if (claim.topics.length === 0) problems.push(`${at}: no topic`);
    if (claim.title.length > TITLE_MAX) problems.push(`${at}: title is ${claim.title.length} characters (max ${TITLE_MAX})`);
    unique(`${at} measurement`, claim.measurements.map((m) => m.key));
    unique(`${at} event`, claim.events.map((e) => e.key));

    const { kind, value, currency, dueAt } = claim.announced;
    const numeric = kind === 'count' || kind === 'money' || kind === 'percentage';
    if (numeric && typeof value !== 'number') problems.push(`${at}: a ${kind} claim needs a value`);
    if (!numeric && value !== undefined) problems.push(`${at}: a ${kind} claim has no figure`);
    if (kind === 'money' && !/^[A-Z]{3}$/.test(currency ?? '')) problems.push(`${at}: money needs an ISO 4217 currency`);
    if (kind === 'percentage' && (value === undefined || value < 0 || value > 100)) problems.push(`${at}: a percentage is 0–100`);
    if ((kind === 'deadline') !== (dueAt !== undefined)) problems.push(`${at}: dueAt is for deadlines, and deadlines need one`);
    for (const m of claim.measurements) {
      if (typeof m.value !== 'number' && typeof m.delivered !== 'boolean') problems.push(`${at} measurement "${m.key}": no value nor delivered`);
      if (m.deliveredAt !== undefined && m.delivered !== true) problems.push(`${at} measurement "${m.key}": deliveredAt without delivered`);
    }

    for (const name of new Set(leavesOf(claim, '', claimArticles, '', {}, []).flatMap((l) => l.articles))) {
      if (!library.exists(name)) problems.push(`${at}: article ${name} does not exist`);
    }
    for (const leaf of leavesOf(claim, '', claimArticles, '', {}, [])) checkLeaf(`${at}${leaf.path}`, leaf);

    // Nothing the article reports can be later than the article itself.
    const periodEnd = (s: string) => {
      const { at: start, precision } = parseSeedDate(s, TIME_ZONE);
      const unit = precision === 'instant' ? 'minute' : precision;
      return DateTime.fromJSDate(start, { zone: TIME_ZONE }).plus({ [`${unit}s`]: 1 }).toJSDate();
    };
    const facts: { where: string; date?: string; source: { publishedAt?: string } }[] = [
      ...claim.sources.map((s) => ({ where: 'saidAt', date: claim.saidAt, source: s })),
      ...claim.measurements.map((m) => ({ where: `measurement "${m.key}"`, date: m.asOf, source: m.source })),
      ...claim.events.map((e) => ({ where: `event "${e.key}"`, date: e.at, source: e.source })),
    ];
    for (const { where, date, source } of facts) {
      if (!date || !source.publishedAt) continue;
      try {
        if (parseSeedDate(date, TIME_ZONE).at >= periodEnd(source.publishedAt)) {
          problems.push(`${at} ${where}: ${date} is after its source's publication (${source.publishedAt})`);
        }
      } catch {
        // An unparseable date is already reported by checkDate.
      }
    }
  }

  // Speakers are not tied to one article: their figures must be in an article quoting them.
  for (const speaker of data.speakers) {
    const names = data.claims.filter((c) => c.speaker === speaker.slug).flatMap((c) => c.sources.map((s) => s.article));
    for (const leaf of leavesOf(speaker, '', names, '', {}, [])) checkLeaf(`speaker "${speaker.slug}"${leaf.path}`, leaf);
  }
  return problems;
}

describe('SEED_DATA against its articles', () => {
  it('when audited against seed/articles, then no fact is missing from its article', () => {
    expect(auditSeedData(SEED_DATA, diskArticles)).toEqual([]);
  });

  it('when counted, then every article gives at least one claim', () => {
    const cited = new Set(SEED_DATA.claims.flatMap((c) => c.sources.map((s) => s.article)));
    expect([...cited].sort()).toEqual(fs.readdirSync(ARTICLES_DIR).filter((f) => f.endsWith('.txt')).sort());
  });

  it('when a derivation names a weekday, then the article says that weekday and the calendar agrees', () => {
    for (const { article, words, date } of DERIVED_WEEKDAYS) {
      expect(normalise(diskArticles.text(article)).toLowerCase()).toContain(words.toLowerCase());
      const weekday = DateTime.fromISO(date, { zone: TIME_ZONE }).setLocale('fr').toFormat('cccc');
      expect(words.toLowerCase()).toContain(weekday);
    }
  });

  it('when serialised, then no url appears anywhere (no article gives one)', () => {
    expect(JSON.stringify(SEED_DATA)).not.toMatch(/"url"|https?:\/\//);
  });

  it('when the headline figures are read, then they are the articles\' figures', () => {
    const claim = (slug: string) => SEED_DATA.claims.find((c) => c.slug === slug);
    const passes = claim('darmanin-182000-faux-pass-sanitaires');
    expect(passes?.announced).toMatchObject({ kind: 'count', value: 182000 });
    expect(passes?.measurements.map((m) => [m.value, m.asOf, m.sameQuantity])).toEqual([
      [3307, '2021-12-20', false],
      [3601, '2021-12-29', false],
    ]);
    const returnToNormal = claim('ants-retour-normale-demain-matin')?.measurements[0];
    expect(returnToNormal).toMatchObject({ delivered: true });
    expect(returnToNormal && 'deliveredAt' in returnToNormal).toBe(false);
    expect(claim('tes-appel-offres-5-millions-amesys')?.announced).toMatchObject({ kind: 'money', value: 5000000, currency: 'EUR' });
    expect(claim('attal-plan-100-millions-cyberattaques')?.announced).toMatchObject({ kind: 'money', value: 100000000, currency: 'EUR' });
    expect(claim('pegasus-50000-numeros')?.announced).toMatchObject({ kind: 'count', value: 50000 });
  });
});

describe('numbersIn', () => {
  it.each([
    ['les 182 000 faux pass', [182000]],
    ['seulement 3 307 pass', [3307]],
    ['atteindre 3601 pass, vers 16h', [3601, 16]],
    ['une liste de 50.000 numéros', [50000]],
    ['l\u2019appel d\u2019offres de 5 millions d\u2019euros', [5, 5000000]],
    ['Environ 70 % des cartes', [70]],
    ['Lundi 11 et mardi 12 septembre', [11, 12]],
    ['182\u202F000 et 1,5 milliard', [182000, 1.5, 1.5e9]],
  ])('when reading %j, then it finds %j', (text, expected) => {
    expect(numbersIn(text)).toEqual(expected);
  });
});

describe('auditSeedData catches fabrications', () => {
  const tamper = (change: (data: SeedData) => void): string[] => {
    const data = structuredClone(SEED_DATA);
    change(data);
    return auditSeedData(data, diskArticles);
  };
  const first = <T>(items: T[]): T => {
    const item = items[0];
    if (item === undefined) throw new Error('the seed has no such item');
    return item;
  };
  const passes = (data: SeedData) => {
    const claim = data.claims.find((c) => c.slug === 'darmanin-182000-faux-pass-sanitaires');
    if (!claim) throw new Error('the fake-pass claim is missing');
    return claim;
  };

  it.each<[string, (data: SeedData) => void, RegExp]>([
    ['an announced figure is changed', (d) => (passes(d).announced.value = 182001), /figure 182001 is not in/],
    ['a measured figure is changed', (d) => (first(passes(d).measurements).value = 3308), /figure 3308 is not in/],
    ['a number is slipped into prose', (d) => (passes(d).announced.definition += ' (soit 2 %)'), /number 2 is not in/],
    ['a quote is reworded', (d) => (first(passes(d).sources).quote = 'Gérald Darmanin a annoncé 182 000 faux pass.'), /not verbatim/],
    ['a verbatim event is reworded', (d) => (first(passes(d).events).text = 'des travaux sont en cours pour renforcer la lutte anti fraude'), /events\[0\]\.text: not verbatim/],
    ['a statement is invented', (d) => (passes(d).statement = '« Nous avons détecté 182 000 faux pass »'), /not verbatim/],
    ['a quotation is invented in prose', (d) => (passes(d).appearance += ' ; le ministre parle d’un « succès historique »'), /quotation « succès historique »/],
    ['a url is added', (d) => (first(passes(d).sources).url = 'https://www.numerama.com/cyberguerre/'), /URL https:\/\/www\.numerama\.com/],
    ['an outlet is guessed', (d) => (first(passes(d).sources).outlet = 'Libération.fr'), /not verbatim/],
    ['an article does not exist', (d) => (first(passes(d).sources).article = '009_0000000000000000.txt'), /does not exist/],
    ['an article path escapes the folder', (d) => (first(passes(d).sources).article = '../seed.types.ts'), /does not exist/],
    ['a date is made up', (d) => (passes(d).saidAt = '2021-12-18'), /"18" in 2021-12-18/],
    ['a year is wrong', (d) => (first(passes(d).measurements).asOf = '2022-12-20'), /"2022" in 2022-12-20|after its source/],
    ['a date does not parse', (d) => (passes(d).saidAt = '20/12/2021'), /Invalid seed date/],
    ['a title is too long', (d) => (passes(d).title = 'x'.repeat(76)), /title is 76 characters/],
    ['a speaker is unknown', (d) => (passes(d).speaker = 'jean-castex'), /unknown speaker "jean-castex"/],
    ['a topic is unknown', (d) => passes(d).topics.push('sante'), /unknown topic "sante"/],
    ['a slug is malformed', (d) => (passes(d).slug = 'Faux Pass'), /"Faux Pass": not a well-formed slug/],
    ['two claims share a slug', (d) => (first(d.claims.slice(1)).slug = passes(d).slug), /not unique/],
    ['a speaker name gains a figure', (d) => (first(d.speakers).name = 'Gérald Darmanin (3 mandats)'), /number 3 is not in/],
  ])('when %s, then the audit reports it', (_what, change, expected) => {
    const problems = tamper(change);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(expected);
  });
});
