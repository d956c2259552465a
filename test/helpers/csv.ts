/**
 * A strict RFC 4180 reader for the export tests (no CSV parser is installed): commas,
 * CRLF between records, quoted fields with doubled quotes and line breaks. It refuses a
 * byte-order mark, so a test has to say it expects one and strip it.
 */
export function parseCsv(text: string): string[][] {
  if (text.startsWith('\uFEFF')) throw new Error('parseCsv: strip the byte-order mark first');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else quoted = false;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === '"') throw new Error(`parseCsv: stray quote in record ${rows.length + 1}`);
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else if (ch === '\n') throw new Error(`parseCsv: bare line feed outside quotes in record ${rows.length + 1}`);
    else field += ch;
  }
  if (quoted) throw new Error('parseCsv: unterminated quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Rows of a CSV export as objects keyed by its header, after checking the BOM is there. */
export function csvRecords(text: string): { header: string[]; records: Record<string, string>[] } {
  if (!text.startsWith('\uFEFF')) throw new Error('csvRecords: the export must start with a UTF-8 byte-order mark');
  const [header = [], ...rows] = parseCsv(text.slice(1));
  for (const [i, row] of rows.entries()) {
    if (row.length !== header.length) throw new Error(`csvRecords: record ${i + 2} has ${row.length} fields, the header ${header.length}`);
  }
  return { header, records: rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] as string]))) };
}
