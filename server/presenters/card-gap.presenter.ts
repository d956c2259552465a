import { gapBar } from '../services/claim-chart.service';
import type { PresentContext } from './present-context';

export interface CardGapBar {
  announcedWidth: number;
  measuredWidth: number;
  proxy: boolean;
  log: boolean;
  /** The bars in words, for readers who do not see them. */
  label: string;
}

/**
 * A claim card's two small bars (announced, measured) from the stored tracking figures, with
 * the figures already formatted by the card. Its own file so the card presenter can use it
 * without importing the chart presenter, which imports the card presenter's helpers.
 */
export function presentCardGapBar(
  ctx: PresentContext,
  figures: { announced: number; measured: number; proxy: boolean; announcedText: string | null; measuredText: string },
): CardGapBar | null {
  const bar = gapBar(figures.announced, figures.measured);
  if (!bar) return null;
  const vars = { measured: figures.measuredText, announced: figures.announcedText ?? '—' };
  const label = ctx.t(bar.scale === 'log' ? 'card.gap_bar_log' : 'card.gap_bar', vars) + (figures.proxy ? ctx.t('card.gap_bar_proxy') : '');
  return { announcedWidth: bar.announcedWidth, measuredWidth: bar.measuredWidth, proxy: figures.proxy, log: bar.scale === 'log', label };
}
