/** The share image's words follow the site's language, like the pages'. */
import { Types } from 'mongoose';
import { presentShareImage } from '../../../server/presenters/chart.presenter';
import { createPresentContext } from '../../../server/presenters/present-context';
import type { ClaimPage } from '../../../server/services/claims-query.service';

const en = createPresentContext({ locale: 'en', timeZone: 'Europe/Paris' }, new Date('2026-01-01T12:00:00Z'));
const fr = createPresentContext({ locale: 'fr', timeZone: 'Europe/Paris' }, new Date('2026-01-01T12:00:00Z'));

function unattributedClaim(): ClaimPage {
  return {
    claim: {
      _id: new Types.ObjectId(),
      slug: 'sans-auteur',
      title: 'Sans auteur',
      speaker: { _id: new Types.ObjectId(), slug: 'non-attribue', name: 'Non attribué', kind: 'unattributed', sameAs: [] },
      topics: [],
      saidAt: new Date('2021-12-20T12:00:00Z'),
      saidAtPrecision: 'day',
      announced: { kind: 'qualitative', definition: 'une promesse' },
      tracking: { measurementCount: 0, delivered: false, stage: 'qualitative' },
    },
    measurements: [],
  } as unknown as ClaimPage;
}

test('when an unattributed claim is shared from the English site, then the image names its speaker as the English pages do', () => {
  expect(presentShareImage(en, unattributedClaim(), { siteUrl: 'http://localhost:3000' }).text.byline).toMatch(/^Unattributed, /);
  expect(presentShareImage(fr, unattributedClaim(), { siteUrl: 'http://localhost:3000' }).text.byline).toMatch(/^Non attribué, /);
});
