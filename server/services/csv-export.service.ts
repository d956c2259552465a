import { stringify } from 'csv-stringify/sync';
import type { ClaimPage, ClaimSummary } from './claims-query.service';
import { claimUrl, headlineFigure, measurementUnit, roundRatio } from './open-data.service';

/**
 * The CSV exports, as pure functions of data (the controller fetches and sets headers).
 *
 * Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return, which some
 * strip before looking) as a formula: `=HYPERLINK(...)` in a quoted statement would become
 * a live link, or worse, on a journalist's machine. Every text cell so starting gets a
 * leading apostrophe, which spreadsheets read as "this is text". Numbers are written by
 * this code from numeric fields, never from text, so a negative figure (-12) stays a
 * number a spreadsheet can sum; only text is guarded, "-12" typed as text included.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export type CsvCell = string | number | boolean | Date | null | undefined;

/**
 * RFC 4180 (comma, CRLF, quotes doubled) with a UTF-8 byte-order mark: without it Excel,
 * which most newsrooms open CSV files with, reads UTF-8 as Windows-1252 and turns
 * "Intérieur" into "IntÃ©rieur". Parsers that keep the BOM are the lesser harm; the
 * README says to read the files as utf-8-sig.
 */
export function toCsv(header: readonly string[], rows: readonly CsvCell[][]): string {
  return csvLines([[...header], ...rows], true);
}

function csvLines(rows: readonly CsvCell[][], bom: boolean): string {
  return stringify(rows as CsvCell[][], {
    bom,
    record_delimiter: 'windows',
    cast: {
      string: neutraliseFormula,
      boolean: (value) => (value ? 'true' : 'false'),
      date: (value) => value.toISOString(),
      // Dot decimals whatever the locale: this is data to compute with, not to read.
      number: (value) => String(value),
    },
  });
}

export const CLAIMS_CSV_COLUMNS = [
  'slug',
  'url',
  'title',
  'speaker',
  'speakerSlug',
  'saidAt',
  'saidAtPrecision',
  'kind',
  'announcedValue',
  'unit',
  'currency',
  'dueAt',
  'duePrecision',
  'definition',
  'verdict',
  'measuredValue',
  'measuredUnit',
  'measuredProxy',
  'measuredAsOf',
  'percentRealised',
  'factor',
  'sourceOutlet',
  'sourceTitle',
  'sourceUrl',
] as const;


/** The start of the claims CSV (byte-order mark and header line), for a streamed export. */
export function claimsCsvHead(): string {
  return csvLines([[...CLAIMS_CSV_COLUMNS]], true);
}

/** Rows of the claims CSV, one per published claim, for one batch of a streamed export; "measured" is the headline figure the claim page shows. */
export function claimsCsvRows(claims: readonly ClaimSummary[], site: { siteUrl: string; now: Date; timeZone: string }): string {
  if (claims.length === 0) return '';
  const rows = claims.map((claim): CsvCell[] => {
    const { announced } = claim;
    const headline = headlineFigure(claim, site.now, site.timeZone);
    const source = claim.sources[0];
    return [
      claim.slug,
      claimUrl(site.siteUrl, claim.slug),
      claim.title,
      claim.speaker.name,
      claim.speaker.slug,
      claim.saidAt,
      claim.saidAtPrecision,
      announced.kind,
      announced.value,
      announced.unit,
      announced.currency,
      announced.dueAt,
      announced.dueAt ? (announced.duePrecision ?? 'day') : null,
      announced.definition,
      claim.verdict?.rating,
      headline?.value,
      headline?.unit,
      headline?.proxy,
      headline?.asOf,
      roundRatio(headline?.percentRealised),
      roundRatio(headline?.factor),
      source?.outlet,
      source?.title,
      source?.url,
    ];
  });
  return csvLines(rows, false);
}

export const MEASUREMENTS_CSV_COLUMNS = [
  'id',
  'value',
  'unit',
  'definition',
  'proxy',
  'delivered',
  'deliveredAt',
  'asOf',
  'asOfPrecision',
  'sourceOutlet',
  'sourceTitle',
  'sourceUrl',
  'sourcePublishedAt',
  'sourcePublishedPrecision',
  'methodNotes',
] as const;

/** One row per measurement of the claim, oldest first. */
export function buildMeasurementsCsv({ claim, measurements }: Pick<ClaimPage, 'claim' | 'measurements'>): string {
  const rows = measurements.map((m): CsvCell[] => [
    String(m._id),
    m.value,
    measurementUnit(claim, m),
    m.definition,
    !m.sameQuantity,
    m.delivered,
    m.deliveredAt,
    m.asOf,
    m.asOfPrecision,
    m.source.outlet,
    m.source.title,
    m.source.url,
    m.source.publishedAt,
    m.source.publishedAt ? m.source.publishedPrecision : null,
    m.methodNotes,
  ]);
  return toCsv(MEASUREMENTS_CSV_COLUMNS, rows);
}
