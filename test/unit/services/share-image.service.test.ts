/** The share image: wrapped titles, and a real 1200×630 PNG rendered with the repository's fonts. */
import { buildShareSvg, wrapText, type ShareImageText } from '../../../server/services/share-image.service';
import { renderPng } from '../../../server/services/svg-render.service';

const card: ShareImageText = {
  siteName: 'Écart',
  siteHost: 'ecart.example',
  kicker: 'Déclaration suivie · Chiffre',
  title: 'Gérald Darmanin : 182 000 faux pass sanitaires détectés',
  byline: 'Gérald Darmanin, 20 décembre 2021',
  announcedLabel: 'Annoncé',
  announced: '182 000',
  announcedUnit: 'faux pass sanitaires',
  measuredLabel: 'Mesuré',
  measured: '3 601',
  measuredUnit: 'pass sur liste noire',
  gapText: '50,5× moins',
  verdict: { key: 'misleading', label: 'Trompeur' },
  bar: { announcedWidth: 100, measuredWidth: 67, proxy: true, note: 'Mesure indirecte' },
};

test('when a title is longer than three lines, then it is cut at a word with an ellipsis', () => {
  const lines = wrapText('un deux trois quatre cinq six sept huit neuf dix onze douze', 10, 3);
  expect(lines).toHaveLength(3);
  expect(lines.every((l) => l.length <= 10)).toBe(true);
  expect(lines[2]!.endsWith('…')).toBe(true);
  expect(wrapText('court', 10, 3)).toEqual(['court']);
});

test('when rendered, then the share image is a valid 1200×630 PNG', () => {
  const png = renderPng(buildShareSvg(card), 1200);
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  expect(png.readUInt32BE(16)).toBe(1200);
  expect(png.readUInt32BE(20)).toBe(630);
});

test('when the title holds markup characters, then the SVG escapes them', () => {
  const svg = buildShareSvg({ ...card, title: 'A <b>&</b> "B"' });
  expect(svg).toContain('A &#60;b&#62;&#38;&#60;/b&#62; &#34;B&#34;');
});
