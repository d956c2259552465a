import { presentFetchError } from '../../../server/presenters/fetch-error.presenter';
import { createPresentContext } from '../../../server/presenters/present-context';
import type { FetchErrorCode } from '../../../server/services/sources/safe-fetch';

const fr = createPresentContext({ locale: 'fr', timeZone: 'Europe/Paris' }, new Date());
const en = createPresentContext({ locale: 'en', timeZone: 'Europe/Paris' }, new Date());

describe('presentFetchError', () => {
  it.each<[FetchErrorCode, number | undefined, string, string]>([
    ['bad_url', undefined, 'adresse refusée', 'address refused'],
    ['private_address', undefined, 'adresse privée refusée', 'private address refused'],
    ['dns', undefined, 'nom de domaine introuvable', 'domain name not found'],
    ['timeout', undefined, 'délai dépassé', 'timed out'],
    ['too_large', undefined, 'fichier trop gros : plus de 5 Mio', 'file too large: over 5 MiB'],
    ['too_many_redirects', undefined, 'trop de redirections', 'too many redirects'],
    ['bad_status', 500, 'la source a répondu 500', 'the source answered 500'],
    ['bad_content_type', undefined, 'type de fichier refusé', 'file type refused'],
    ['network', undefined, 'erreur réseau', 'network error'],
  ])('when the fetch failed with %s, then the reason names it in French and in English', (code, status, french, english) => {
    const fold = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');
    expect(fold(presentFetchError(fr, { code, status }))).toContain(french);
    expect(fold(presentFetchError(en, { code, status }))).toContain(english);
  });

  it('when the fetch had another size limit, then the reason gives that limit', () => {
    expect(presentFetchError(en, { code: 'too_large' }, 1.5 * 1024 * 1024).replace(/\u00a0/g, ' ')).toBe('file too large: over 1.5 MiB');
  });
});
