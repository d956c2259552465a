import { presentProposalItem, presentReading, presentSourceError } from '../../../server/presenters/data-source.presenter';
import { createPresentContext } from '../../../server/presenters/present-context';
import { READ_ERROR_CODES } from '../../../server/services/sources/source-reader';

const NOW = new Date('2026-11-23T12:00:00Z');
const fr = createPresentContext({ locale: 'fr', timeZone: 'Europe/Paris' }, NOW);
const en = createPresentContext({ locale: 'en', timeZone: 'Europe/Paris' }, NOW);
const FETCH_CODES = ['bad_url', 'private_address', 'dns', 'timeout', 'too_large', 'too_many_redirects', 'bad_status', 'bad_content_type', 'network'];

describe('presenting a data source', () => {
  it.each([...READ_ERROR_CODES, ...FETCH_CODES])('when a source fails with %s, then the editor reads a sentence in French and in English, never the key', (code) => {
    for (const ctx of [fr, en]) {
      const text = presentSourceError(ctx, { code, detail: 'total', status: 500 });
      expect(text.length).toBeGreaterThan(10);
      // No key or snake_case code leaks into the sentence.
      expect(text).not.toMatch(/[a-z]+_[a-z_]+/);
      expect(text).not.toMatch(/\{\w+\}/);
    }
  });

  it('when the source answered 500 or sent too much, then the message names the status or the limit', () => {
    expect(presentSourceError(fr, { code: 'bad_status', status: 500 })).toBe('la source a répondu 500');
    expect(presentSourceError(en, { code: 'too_large' })).toMatch(/5\u00a0MiB/);
  });

  it('when an unknown code was recorded, then the message says so with the code', () => {
    expect(presentSourceError(fr, { code: 'mystery' })).toBe('erreur inattendue (mystery)');
  });

  it('when a reading is shown, then its value has the unit, its date the precision, and undated values say they are dated by the fetch', () => {
    const reading = { value: 4200, asOf: new Date('2022-01-14T23:00:00Z'), asOfPrecision: 'day' as const, dated: true, matchedRow: 3 };
    expect(presentReading(fr, reading, 'pass')).toEqual({ value: '4\u202f200 pass', date: '15 janvier 2022', where: 'Ligne 3 du fichier (la ligne 1 est l’en-tête)' });
    expect(presentReading(en, { ...reading, dated: false, asOfPrecision: 'instant', matchedRow: undefined, matchedPath: "$['total']" }, undefined)).toMatchObject({ value: '4,200', date: expect.stringContaining('(time of reading: the file gives no date)') as string, where: "Path $['total']" });
    expect(presentProposalItem(fr, { _id: 'x', value: 3.5, unit: null, asOf: new Date('2021-12-01T00:00:00Z'), asOfPrecision: 'month', definition: 'd' }).text).toBe('3,5 (décembre 2021)');
  });
});
