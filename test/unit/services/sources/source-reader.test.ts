import { decodeBody, isAffordableJsonPath, isJsonPath, readDataDate, readFigure, readSourceValue, type ReadSpec } from '../../../../server/services/sources/source-reader';

const FETCHED_AT = new Date('2026-11-20T10:00:00Z');
const ctx = { fetchedAt: FETCHED_AT, timeZone: 'Europe/Paris', locale: 'fr' as const };
const csv = (spec: Partial<ReadSpec>): ReadSpec => ({ format: 'csv', valueField: 'total', ...spec });
const json = (spec: Partial<ReadSpec>): ReadSpec => ({ format: 'json', valueField: '$.total', ...spec });

const PASSES = 'date,region,total\n2021-12-20,Bretagne,3307\n2021-12-29,Bretagne,3601\n2021-12-29,Corse,12\n';

describe('reading a CSV source', () => {
  it('when a CSV of over 4 MB is read, then the event loop gets turns all along (64 KiB at a time) and the last matching row is found by its line', async () => {
    const lines = ['date,region,total'];
    for (let i = 0; lines.length < 160_000; i++) lines.push(`2021-12-${String(1 + (i % 28)).padStart(2, '0')},Region ${i % 13},${i}`);
    const text = `${lines.join('\n')}\n`;
    expect(text.length).toBeGreaterThan(4_000_000);
    const lastLine = lines.findLastIndex((l) => l.includes(',Region 3,')) + 1;
    let turns = 0;
    let reading = true;
    const turn = () => {
      turns += 1;
      if (reading) setImmediate(turn);
    };
    setImmediate(turn);
    const result = await readSourceValue(text, csv({ filterColumn: 'region', filterValue: 'Region 3', dateField: 'date' }), ctx);
    reading = false;
    expect(result).toMatchObject({ ok: true, reading: { value: Number(lines[lastLine - 1]!.split(',')[2]), matchedRow: lastLine } });
    // One 64 KiB piece per turn, give or take: a parse in one go would give none.
    expect(turns).toBeGreaterThan(text.length / (64 * 1024) / 2);
  });

  it('when a row filter matches several rows, then the last one is read, with its date and line', async () => {
    expect(await readSourceValue(PASSES, csv({ filterColumn: 'region', filterValue: 'Bretagne', dateField: 'date' }), ctx)).toEqual({
      ok: true,
      reading: { value: 3601, asOf: new Date('2021-12-28T23:00:00.000Z'), asOfPrecision: 'day', dated: true, matchedRow: 3 },
    });
  });

  it('when there is no filter and no date column, then the last row is read and dated by the fetch', async () => {
    expect(await readSourceValue(PASSES, csv({}), ctx)).toEqual({ ok: true, reading: { value: 12, asOf: FETCHED_AT, asOfPrecision: 'instant', dated: false, matchedRow: 4 } });
  });

  it('when the file is semicolon-separated with French decimals and dd/mm/yyyy dates, then it is read as such', async () => {
    const text = 'jour;taux\n29/12/2021;3,5\n';
    expect(await readSourceValue(text, csv({ valueField: 'taux', dateField: 'jour' }), ctx)).toMatchObject({ ok: true, reading: { value: 3.5, asOfPrecision: 'day', asOf: new Date('2021-12-28T23:00:00.000Z') } });
  });

  it.each([
    ['a malformed file', 'total\n"3601\n', csv({}), 'csv_malformed'],
    ['rows of different lengths', 'a,total\n1,2,3\n', csv({}), 'csv_malformed'],
    ['a header and nothing else', 'total\n', csv({}), 'csv_empty'],
    ['a missing column', PASSES, csv({ valueField: 'nombre' }), 'csv_column_missing'],
    ['a filter matching no row', PASSES, csv({ filterColumn: 'region', filterValue: 'Guyane' }), 'csv_no_row'],
    ['a value that is not a number', 'total\nbeaucoup\n', csv({}), 'not_a_number'],
    ['a date that is no date', 'd,total\nhier,3\n', csv({ dateField: 'd' }), 'date_invalid'],
    ['a date in the future', 'd,total\n2030-01-01,3\n', csv({ dateField: 'd' }), 'date_future'],
  ])('when it has %s, then nothing is read and the failure says why', async (_what, text, spec, code) => {
    expect(await readSourceValue(text, spec, ctx)).toMatchObject({ ok: false, failure: { code } });
  });
});

describe('reading a JSON source', () => {
  const doc = JSON.stringify({ updated: '2021-12-29T16:00:00+01:00', regions: [{ name: 'Bretagne', total: 3601 }, { name: 'Corse', total: '1 200' }] });

  it('when the path selects one number, then it is read with its normalized path and the date path', async () => {
    expect(await readSourceValue(doc, json({ valueField: "$.regions[?@.name=='Bretagne'].total", dateField: '$.updated' }), ctx)).toEqual({
      ok: true,
      reading: { value: 3601, asOf: new Date('2021-12-29T15:00:00.000Z'), asOfPrecision: 'instant', dated: true, matchedPath: "$['regions'][0]['total']" },
    });
  });

  it('when the path selects a numeric string, then it is read as a figure', async () => {
    expect(await readSourceValue(doc, json({ valueField: '$.regions[1].total' }), ctx)).toMatchObject({ ok: true, reading: { value: 1200 } });
  });

  it.each([
    ['malformed JSON', '{"total": ', json({}), 'json_malformed'],
    ['a path matching nothing', doc, json({ valueField: '$.nothing' }), 'json_path_none'],
    ['a path matching several values', doc, json({ valueField: '$.regions[*].total' }), 'json_path_several'],
    ['a path selecting an object', doc, json({ valueField: '$.regions[0]' }), 'not_a_number'],
    ['an invalid path', doc, json({ valueField: '$[' }), 'json_path_invalid'],
  ])('when it has %s, then nothing is read and the failure says why', async (_what, text, spec, code) => {
    expect(await readSourceValue(text, spec, ctx)).toMatchObject({ ok: false, failure: { code } });
  });
});

describe('the reading helpers', () => {
  it('when figures come in machine, French or broken forms, then each is read or refused', () => {
    expect([readFigure('3601', 'fr'), readFigure('-2.5', 'fr'), readFigure('3 601', 'fr'), readFigure('3,5', 'fr'), readFigure('1,200', 'en'), readFigure('n/a', 'fr')]).toEqual([3601, -2.5, 3601, 3.5, 1200, undefined]);
  });

  it('when dates come as ISO, month or dd/mm/yyyy, then each keeps its precision in the newsroom zone', () => {
    expect(readDataDate('2021-12', 'Europe/Paris')).toEqual({ at: new Date('2021-11-30T23:00:00.000Z'), precision: 'month' });
    expect(readDataDate('2021-12-29T16:00:00Z', 'Europe/Paris')).toEqual({ at: new Date('2021-12-29T16:00:00.000Z'), precision: 'instant' });
    expect(readDataDate('29/12/2021', 'Europe/Paris')).toEqual({ at: new Date('2021-12-28T23:00:00.000Z'), precision: 'day' });
    expect(readDataDate('2021-13-45', 'Europe/Paris')).toBeUndefined();
  });

  it('when a body is Latin-1 or starts with a byte-order mark, then it decodes to the same text', () => {
    expect(decodeBody(Buffer.from('r\xe9gion', 'latin1'), 'iso-8859-1')).toBe('région');
    expect(decodeBody(Buffer.from('\uFEFFtotal', 'utf8'), null)).toBe('total');
    expect(decodeBody(Buffer.from('total', 'utf8'), 'x-unknown')).toBe('total');
  });

  it('when a JSON path is checked, then RFC 9535 syntax passes and anything else does not', () => {
    expect([isJsonPath('$.a[0].b'), isJsonPath("$..[?@.x=='y']"), isJsonPath('a.b'), isJsonPath('$[')]).toEqual([true, true, false, false]);
  });
});

describe('JSON paths the web process can afford', () => {
  it.each([
    ['$..total', true],
    ["$.regions[?@.name=='Bretagne'].total", true],
    ["$.regions[?@.name=='a..b'].total", true],
    ['$..*..*', false],
    ['$..[?@..b]', false],
  ])('when the path is %s, then it is affordable: %s', (path, affordable) => {
    expect(isAffordableJsonPath(path)).toBe(affordable);
  });

  it('when a path walks the file more than once, then the reader refuses it without running it', async () => {
    expect(await readSourceValue('{"a":{"b":1}}', json({ valueField: '$..*..b' }), ctx)).toMatchObject({ ok: false, failure: { code: 'json_path_invalid' } });
  });
});
