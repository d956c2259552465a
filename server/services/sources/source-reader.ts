import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { TextDecoder } from 'node:util';
import { parse as parseCsvStream } from 'csv-parse';
import { paths as jsonPaths, query as jsonQuery, type JsonValue } from 'jsonpath-rfc9535';
import { DateTime } from 'luxon';
import type { SourceFormat } from '../../../models/data-source.model';
import type { DatePrecision } from '../../../models/source.schema';
import type { Locale } from '../../config';
import { FIGURE_BOUND } from '../gap.service';
import { parseNewsroomDate, parseNewsroomNumber } from '../newsroom-input.service';

/*
 * Reading one value (and its date) out of a fetched CSV or JSON file. Pure: bytes in, a
 * reading or a reason out, so the editor's preview and the poller say exactly the same thing.
 * It runs in the web process: a CSV is parsed 64 KiB at a time, giving the event loop a turn
 * in between (a 5 MiB file parsed in one go held it for 150 ms here), and keeps only the
 * header and the last matching row.
 */

/** How a data source says where its value is (see models/data-source.model.ts). */
export interface ReadSpec {
  format: SourceFormat;
  valueField: string;
  filterColumn?: string | null | undefined;
  filterValue?: string | null | undefined;
  dateField?: string | null | undefined;
}

export interface Reading {
  value: number;
  asOf: Date;
  asOfPrecision: DatePrecision;
  /** False when the file gives no date and the value is dated by the fetch. */
  dated: boolean;
  /** CSV: the line read (1 is the header row). */
  matchedRow?: number;
  /** JSON: the normalized path of the value read. */
  matchedPath?: string;
}

export const READ_ERROR_CODES = [
  'csv_malformed',
  'csv_empty',
  'csv_column_missing',
  'csv_no_row',
  'json_malformed',
  'json_path_invalid',
  'json_path_none',
  'json_path_several',
  'not_a_number',
  'date_invalid',
  'date_future',
] as const;
export type ReadErrorCode = (typeof READ_ERROR_CODES)[number];

/** Why nothing could be read: a code the pages translate, and the detail (a column, a count, the text found). */
export interface ReadFailure {
  code: ReadErrorCode;
  detail?: string;
}

export type ReadResult = { ok: true; reading: Reading } | { ok: false; failure: ReadFailure };

export interface ReadContext {
  fetchedAt: Date;
  timeZone: string;
  locale: Locale;
}

/** A date this far after the fetch is a typo or a forecast, not what was measured. */
const FUTURE_MARGIN_MS = 24 * 60 * 60 * 1000;

const fail = (code: ReadErrorCode, detail?: string): { ok: false; failure: ReadFailure } => ({ ok: false, failure: detail === undefined ? { code } : { code, detail: detail.slice(0, 300) } });

/** The response's text, in its declared charset (UTF-8 when it names none or one Node does not know), without a byte-order mark. */
export function decodeBody(bytes: Buffer, charset: string | null | undefined): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset ?? 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(bytes).replace(/^\uFEFF/, '');
}

/**
 * A figure as data files write it. The machine form first ("3601", "-2.5", "1e6": JSON,
 * most APIs and English CSVs), then the site's language as its editors type figures
 * ("3 601", "3,5" in French): a French government CSV writes decimals with a comma.
 */
export function readFigure(raw: string, locale: Locale): number | undefined {
  const text = raw.trim();
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) {
    const value = Number(text);
    return Number.isFinite(value) && Math.abs(value) <= FIGURE_BOUND ? value : undefined;
  }
  const parsed = parseNewsroomNumber(text, locale);
  return parsed.ok ? parsed.value : undefined;
}

/**
 * A date as data files write it, in the newsroom's zone when it names none: ISO 8601
 * ("2021-12-29", "2021-12", "2021-12-29T16:00:00Z", with an offset or not) or the French
 * numeric form "29/12/2021" (day first; with "16:00" too).
 */
export function readDataDate(raw: string, timeZone: string): { at: Date; precision: DatePrecision } | undefined {
  const text = raw.trim();
  if (/^\d{4}-\d{2}(-\d{2})?([T ].+)?$/i.test(text)) {
    const parsed = DateTime.fromISO(text.replace(' ', 'T'), { zone: timeZone });
    if (!parsed.isValid) return undefined;
    const precision: DatePrecision = text.length === 7 ? 'month' : text.length === 10 ? 'day' : 'instant';
    return { at: parsed.toJSDate(), precision };
  }
  const parsed = parseNewsroomDate(text, timeZone, 'fr');
  return parsed.ok ? parsed.value : undefined;
}

/** Reads the value `spec` points at in `text`, dated by the file or by the fetch. */
export async function readSourceValue(text: string, spec: ReadSpec, ctx: ReadContext): Promise<ReadResult> {
  return spec.format === 'csv' ? readCsv(text, spec, ctx) : readJson(text, spec, ctx);
}

type Found = { ok: true; raw: string | number; rawDate: string | undefined; matchedRow?: number; matchedPath?: string } | { ok: false; failure: ReadFailure };

function finish(found: Found, ctx: ReadContext): ReadResult {
  if (!found.ok) return found;
  const value = typeof found.raw === 'number' ? (Number.isFinite(found.raw) && Math.abs(found.raw) <= FIGURE_BOUND ? found.raw : undefined) : readFigure(found.raw, ctx.locale);
  if (value === undefined) return fail('not_a_number', String(found.raw));
  const located = { ...(found.matchedRow === undefined ? {} : { matchedRow: found.matchedRow }), ...(found.matchedPath === undefined ? {} : { matchedPath: found.matchedPath }) };
  if (found.rawDate === undefined) return { ok: true, reading: { value, asOf: ctx.fetchedAt, asOfPrecision: 'instant', dated: false, ...located } };
  const date = readDataDate(found.rawDate, ctx.timeZone);
  if (!date) return fail('date_invalid', found.rawDate);
  if (date.at.getTime() > ctx.fetchedAt.getTime() + FUTURE_MARGIN_MS) return fail('date_future', found.rawDate);
  return { ok: true, reading: { value, asOf: date.at, asOfPrecision: date.precision, dated: true, ...located } };
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/** The header's most frequent of comma, semicolon and tab: French public data is often semicolon-separated. */
function detectDelimiter(text: string): string {
  const header = text.slice(0, text.search(/\r?\n|$/));
  const counts = [',', ';', '\t'].map((d) => ({ d, n: header.split(d).length - 1 }));
  return counts.reduce((best, c) => (c.n > best.n ? c : best)).d;
}

const CSV_CHUNK = 64 * 1024;

/** The text in 64 KiB pieces, the event loop getting a turn after each. */
async function* inPieces(text: string): AsyncGenerator<string> {
  for (let at = 0; at < text.length; at += CSV_CHUNK) {
    yield text.slice(at, at + CSV_CHUNK);
    await nextTurn();
  }
}

/** Each record with the line it ends on (1 is the header's); throws csv-parse's error on a malformed file. */
async function* csvRecords(text: string): AsyncGenerator<{ record: string[]; line: number }> {
  const parser = Readable.from(inPieces(text)).pipe(parseCsvStream({ delimiter: detectDelimiter(text), skip_empty_lines: true, trim: true, relax_column_count: false, info: true }));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) yield { record, line: info.lines };
  } finally {
    parser.destroy();
  }
}

/** A column by its header's exact name, else ignoring case. */
function columnIndex(header: string[], name: string): number {
  const exact = header.indexOf(name);
  return exact >= 0 ? exact : header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
}

async function readCsv(text: string, spec: ReadSpec, ctx: ReadContext): Promise<ReadResult> {
  let header: string[] | null = null;
  let columns = { value: -1, filter: -1, date: -1 };
  let rows = 0;
  // Files are appended to: of several matching rows, the last is the latest.
  let last: { row: string[]; line: number } | null = null;
  const wanted = (spec.filterValue ?? '').trim();
  try {
    for await (const { record, line } of csvRecords(text)) {
      if (!header) {
        header = record;
        columns = { value: columnIndex(header, spec.valueField), filter: spec.filterColumn ? columnIndex(header, spec.filterColumn) : -1, date: spec.dateField ? columnIndex(header, spec.dateField) : -1 };
        continue;
      }
      rows += 1;
      if (rows === 1) {
        const missing = [columns.value < 0 && spec.valueField, spec.filterColumn && columns.filter < 0 && spec.filterColumn, spec.dateField && columns.date < 0 && spec.dateField].find((name) => typeof name === 'string');
        if (missing) return fail('csv_column_missing', `${missing} (${header.join(', ')})`);
      }
      if (columns.filter < 0 || record[columns.filter] === wanted) last = { row: record, line };
    }
  } catch (err) {
    return fail('csv_malformed', err instanceof Error ? err.message : String(err));
  }
  if (!header || rows === 0) return fail('csv_empty');
  if (!last) return fail('csv_no_row', `${spec.filterColumn ?? ''} = ${spec.filterValue ?? ''}`);
  const { row, line } = last;
  return finish({ ok: true, raw: row[columns.value] ?? '', rawDate: columns.date >= 0 ? (row[columns.date] ?? '') : undefined, matchedRow: line }, ctx);
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

/**
 * Whether a JSON path is cheap enough to run in the web process: at most one descendant
 * segment (`..`), string literals aside. `$..total` is fine; `$..*..*` or `$..[?@..b]` walk
 * the document once per node (on 1.5 MB here: 180 and 250 ms, and worse than linearly after).
 */
export function isAffordableJsonPath(path: string): boolean {
  const withoutStrings = path.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''");
  return (withoutStrings.match(/\.\./g) ?? []).length <= 1;
}

/** Whether `path` is an RFC 9535 JSON path: what the form checks before anything is fetched. */
export function isJsonPath(path: string): boolean {
  try {
    jsonQuery(null, path);
    return true;
  } catch {
    return false;
  }
}

/** The one value `path` selects, with its normalized path; none or several is a failure. */
function selectOne(doc: JsonValue, path: string): { ok: true; value: JsonValue; path: string } | { ok: false; failure: ReadFailure } {
  let values: JsonValue[];
  let located: string[];
  if (!isAffordableJsonPath(path)) return fail('json_path_invalid', `${path}: more than one ".."`);
  try {
    values = jsonQuery(doc, path);
    located = jsonPaths(doc, path);
  } catch (err) {
    return fail('json_path_invalid', err instanceof Error ? err.message : path);
  }
  if (values.length === 0) return fail('json_path_none', path);
  if (values.length > 1) return fail('json_path_several', `${path}: ${values.length}`);
  return { ok: true, value: values[0] ?? null, path: located[0] ?? path };
}

const scalarText = (value: JsonValue): string | undefined => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);

function readJson(text: string, spec: ReadSpec, ctx: ReadContext): ReadResult {
  let doc: JsonValue;
  try {
    doc = JSON.parse(text) as JsonValue;
  } catch (err) {
    return fail('json_malformed', err instanceof Error ? err.message : String(err));
  }
  const value = selectOne(doc, spec.valueField);
  if (!value.ok) return value;
  if (typeof value.value !== 'number' && typeof value.value !== 'string') return fail('not_a_number', JSON.stringify(value.value));
  let rawDate: string | undefined;
  if (spec.dateField) {
    const date = selectOne(doc, spec.dateField);
    if (!date.ok) return date;
    rawDate = scalarText(date.value);
    if (rawDate === undefined) return fail('date_invalid', JSON.stringify(date.value));
  }
  return finish({ ok: true, raw: value.value, rawDate, matchedPath: value.path }, ctx);
}
