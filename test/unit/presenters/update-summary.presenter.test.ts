import { createPresentContext } from '../../../server/presenters/present-context';
import { presentUpdateSummary } from '../../../server/presenters/update-summary.presenter';

const now = new Date('2026-01-01T00:00:00Z');
const fr = createPresentContext({ locale: 'fr', timeZone: 'Europe/Paris' }, now);
const en = createPresentContext({ locale: 'en', timeZone: 'Europe/Paris' }, now);
const sp = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('update summaries in the reader’s language', () => {
  it.each([
    [{ kind: 'measurement-added', summary: 'Nouvelle mesure : pass sur liste noire', summaryData: { definition: 'pass sur liste noire' } }, 'Nouvelle mesure : pass sur liste noire', 'New measurement: pass sur liste noire'],
    [{ kind: 'verdict-changed', summary: 'Verdict : Trompeur', summaryData: { rating: 'misleading' } }, 'Verdict : Trompeur', 'Verdict: Misleading'],
    [{ kind: 'statement-added', summary: 'DGS : texte', summaryData: { who: 'DGS', text: 'texte' } }, 'DGS : texte', 'DGS: texte'],
    [{ kind: 'correction', summary: 'Le chiffre était faux.', summaryData: { text: 'Le chiffre était faux.' } }, 'Le chiffre était faux.', 'Le chiffre était faux.'],
    [{ kind: 'claim-published', summary: 'Titre', summaryData: { title: 'Titre' } }, 'Titre', 'Titre'],
  ])('when the same stored update (%o) is read in fr and en, then each reads its own language', (update, inFrench, inEnglish) => {
    expect(sp(presentUpdateSummary(fr, update))).toBe(inFrench);
    expect(presentUpdateSummary(en, update)).toBe(inEnglish);
  });

  it('when an update has only its old text, then that text is shown', () => {
    expect(presentUpdateSummary(en, { kind: 'verdict-changed', summary: 'Verdict : Faux' })).toBe('Verdict : Faux');
    expect(presentUpdateSummary(fr, { kind: 'verdict-changed', summary: 'Verdict : Faux', summaryData: { rating: 'not-a-rating' } })).toBe('Verdict\u00a0: Faux');
  });
});
