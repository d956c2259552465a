import type { Update } from '../../models/update.model';
import { isMessageKey } from '../i18n';
import { typesetUserText } from '../view-engine/typography';
import type { PresentContext } from './present-context';

export type SummarisedUpdate = { kind: string; summary: string; summaryData?: Update['summaryData'] | null };

/**
 * An update's one-line summary in the reader's language, written now from what it is about
 * ("Nouvelle mesure : …" in fr, "New measurement: …" in en, from the same stored update).
 * The stored `summary` is the fallback: an update written before summaries were data, whose
 * subject was gone when the backfill ran, keeps its words.
 */
export function presentUpdateSummary(ctx: PresentContext, update: SummarisedUpdate): string {
  const data = update.summaryData ?? {};
  const text = (value: string) => typesetUserText(value, ctx.locale);
  switch (update.kind) {
    case 'claim-published':
      if (data.title) return text(data.title);
      break;
    case 'measurement-added':
      if (data.definition) return ctx.t('update.summary.measurement', { definition: text(data.definition) });
      break;
    case 'statement-added':
    case 'event-added':
      if (data.who && data.text) return ctx.t('update.summary.statement', { who: data.who, text: text(data.text) });
      if (data.text) return text(data.text);
      break;
    case 'verdict-changed': {
      const key = `verdict.${data.rating ?? ''}`;
      if (data.rating && isMessageKey(key)) return ctx.t('update.summary.verdict', { label: ctx.t(key) });
      break;
    }
    case 'correction':
      if (data.text) return text(data.text);
      break;
  }
  return text(update.summary);
}
