import { ACCENT, escapeSvgText, INK, INK_SOFT, PROXY } from './claim-chart.service';

/**
 * The share image of a claim (og:image): 1200×630, the size Facebook, LinkedIn and X all crop
 * least. A pure function of already formatted text, so it is unit-tested without a server;
 * svg-render.service turns it into a PNG with the repository's fonts.
 */
export const SHARE_IMAGE = { width: 1200, height: 630 } as const;

export interface ShareImageText {
  siteName: string;
  siteHost: string;
  kicker: string;
  title: string;
  byline: string;
  announcedLabel: string;
  announced: string;
  announcedUnit: string | null;
  measuredLabel: string | null;
  measured: string | null;
  measuredUnit: string | null;
  /** "×50,5 moins", or a deadline's state: the gap in words. */
  gapText: string | null;
  verdict: { key: string; label: string } | null;
  /** The two bars (widths out of 100), or null when there is no honest comparison to draw. */
  bar: { announcedWidth: number; measuredWidth: number; proxy: boolean; note: string | null } | null;
}

const PAPER = '#fbfaf7';

/** The site's verdict badge colours (site.css, "Badges"), background then text. */
const VERDICT_COLOURS: Record<string, [string, string]> = {
  false: ['#f6e3e1', ACCENT],
  misleading: ['#fbefd6', PROXY],
  unproven: ['#ecebe6', '#444444'],
  'partly-true': ['#fff6cc', '#6b5400'],
  true: ['#e2f1e7', '#1d6b3a'],
};

/**
 * Average advance of a glyph, in ems, for the fonts used here: DejaVu is wide, and a slight
 * overestimate only wraps a line a word early, never lets one run off the image.
 */
const EM = { serifBold: 0.62, sansBold: 0.66, sans: 0.56 } as const;

/**
 * Words into at most `maxLines` lines of at most `maxChars` characters; what does not fit
 * ends with "…" on the last line. A single word longer than a line is cut.
 */
export function wrapText(text: string, maxChars: number, maxLines: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const raw of text.trim().split(/\s+/).filter(Boolean)) {
    const word = raw.length > maxChars ? `${raw.slice(0, maxChars - 1)}…` : raw;
    if (current && current.length + 1 + word.length <= maxChars) current = `${current} ${word}`;
    else {
      if (current) lines.push(current);
      current = word;
    }
  }
  if (current) lines.push(current);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = kept[maxLines - 1]!;
  kept[maxLines - 1] = `${last.slice(0, maxChars - 1).replace(/[\s,.;:–—-]+$/, '')}…`;
  return kept;
}

function text(x: number, y: number, attrs: string, content: string): string {
  return `<text x="${x}" y="${y}" ${attrs}>${escapeSvgText(content)}</text>`;
}

/** The largest size from `max` down at which `content` fits `width`. */
function fitSize(content: string, width: number, max: number, em: number): number {
  return Math.max(24, Math.min(max, Math.floor(width / Math.max(1, content.length * em))));
}

export function buildShareSvg(card: ShareImageText): string {
  const { width, height } = SHARE_IMAGE;
  const margin = 64;
  const inner = width - 2 * margin;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans">`,
    `<rect width="${width}" height="${height}" fill="${PAPER}"/>`,
    `<rect width="${width}" height="10" fill="${INK}"/>`,
    text(margin, 78, `font-family="DejaVu Serif" font-weight="bold" font-size="38" fill="${INK}"`, card.siteName),
    text(margin + 130, 76, `font-size="22" fill="${INK_SOFT}"`, card.kicker),
    text(width - margin, 76, `font-size="22" fill="${INK_SOFT}" text-anchor="end"`, card.siteHost),
  ];

  // Three lines of title at most; a shorter title gets a larger size.
  const titleSize = card.title.length <= 60 ? 54 : 46;
  const lineHeight = Math.round(titleSize * 1.15);
  const titleLines = wrapText(card.title, Math.floor(inner / (titleSize * EM.serifBold)), 3);
  let y = 110 + titleSize - lineHeight;
  for (const line of titleLines) {
    y += lineHeight;
    parts.push(text(margin, y, `font-family="DejaVu Serif" font-weight="bold" font-size="${titleSize}" fill="${INK}"`, line));
  }
  y += 44;
  parts.push(text(margin, y, `font-size="24" fill="${INK_SOFT}"`, wrapText(card.byline, Math.floor(inner / (24 * EM.sans)), 1)[0] ?? ''));

  // The figures: announced and measured side by side, each as large as its column allows.
  // Between the byline and the bars, whatever the title's length (the bars and footer are fixed).
  const figuresTop = Math.min(364, Math.max(y + 36, 330));
  const column = card.measured ? (inner - 48) / 2 : inner;
  const figure = (x: number, label: string, value: string, unit: string | null, colour: string) => {
    const size = fitSize(value, column, 72, EM.sansBold);
    parts.push(text(x, figuresTop + 22, `font-size="20" font-weight="bold" fill="${INK_SOFT}" letter-spacing="1.5"`, label.toUpperCase()));
    parts.push(text(x, figuresTop + 22 + size, `font-size="${size}" font-weight="bold" fill="${colour}"`, value));
    if (unit) parts.push(text(x, figuresTop + 22 + size + 32, `font-size="22" fill="${INK_SOFT}"`, wrapText(unit, Math.floor(column / (22 * EM.sans)), 1)[0] ?? ''));
  };
  if (card.announced) figure(margin, card.announcedLabel, card.announced, card.announcedUnit, ACCENT);
  if (card.measured && card.measuredLabel) figure(margin + column + 48, card.measuredLabel, card.measured, card.measuredUnit, card.bar?.proxy ? PROXY : INK);

  // The bars, on one scale, right under the figures.
  if (card.bar) {
    const barTop = 500;
    const w = (pct: number) => Math.max(3, Math.round((pct / 100) * inner));
    parts.push(`<rect x="${margin}" y="${barTop}" width="${w(card.bar.announcedWidth)}" height="14" fill="${ACCENT}"/>`);
    parts.push(
      card.bar.proxy
        ? `<rect x="${margin + 1.5}" y="${barTop + 22 + 1.5}" width="${w(card.bar.measuredWidth) - 3}" height="11" fill="${PAPER}" stroke="${PROXY}" stroke-width="3" stroke-dasharray="8 5"/>`
        : `<rect x="${margin}" y="${barTop + 22}" width="${w(card.bar.measuredWidth)}" height="14" fill="${INK}"/>`,
    );
    if (card.bar.note) parts.push(text(width - margin, height - 44, `font-size="18" fill="${INK_SOFT}" text-anchor="end" font-style="italic"`, card.bar.note));
  }

  // The footer: the verdict as the site shows it, the gap in words, and where to read more.
  const footY = height - 44;
  let footX = margin;
  if (card.verdict) {
    const [bg, fg] = VERDICT_COLOURS[card.verdict.key] ?? ['#ecebe6', INK];
    const label = card.verdict.label.toUpperCase();
    // Capitals are wider than the average glyph, and the letter spacing adds 1 per letter.
    const boxWidth = Math.round(label.length * (22 * 0.78 + 1) + 32);
    parts.push(`<rect x="${margin}" y="${footY - 32}" width="${boxWidth}" height="46" rx="3" fill="${bg}"/>`);
    parts.push(text(margin + 16, footY, `font-size="22" font-weight="bold" fill="${fg}" letter-spacing="1"`, label));
    footX += boxWidth + 20;
  }
  if (card.gapText) parts.push(text(footX, footY, `font-size="24" font-weight="bold" fill="${INK}"`, card.gapText));
  parts.push('</svg>');
  return parts.join('');
}
