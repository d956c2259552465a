import { claimFormSchema, measurementFormSchema } from '../../../server/schemas/claim-form.schemas';
import { slugFromTitle } from '../../../server/services/slugs.service';

const ZONE = 'Europe/Paris';
const SPEAKER = '0123456789abcdef01234567';

const base = {
  title: 'Faux pass',
  statement: '182 000 faux pass',
  speaker: SPEAKER,
  saidAt: '20/12/2021',
  kind: 'count',
  value: '182 000',
  definition: 'faux pass détectés',
  sourceOutlet: 'Le Monde',
};

function issuesOf(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return Object.fromEntries((result.error?.issues ?? []).map((i) => [String(i.path[0]), i.message]));
}

describe('claimFormSchema', () => {
  it('when the form is complete, then dates and numbers are parsed, the unchecked box is false and one topic becomes a list', () => {
    const parsed = claimFormSchema(ZONE).parse({ ...base, topics: SPEAKER, unit: '' });
    expect(parsed).toMatchObject({ value: 182000, statementVerbatim: false, topics: [SPEAKER], saidAt: { at: new Date('2021-12-19T23:00:00Z'), precision: 'day' } });
    expect(parsed.unit).toBeUndefined();
  });

  it.each([
    ['a money claim without currency', { kind: 'money' }, 'currency', 'claim.form.currency.invalid'],
    ['a deadline without a due date', { kind: 'deadline', value: '' }, 'dueAt', 'claim.form.due.required'],
    ['a count without a value', { value: '' }, 'value', 'claim.form.value.required'],
    ['no source', { sourceOutlet: '' }, 'sourceOutlet', 'claim.form.source.required'],
    ['an unknown kind', { kind: 'rumeur' }, 'kind', 'claim.form.kind.required'],
    ['a malformed speaker', { speaker: '{"$ne":1}' }, 'speaker', 'claim.form.speaker.required'],
  ])('when the form has %s, then the field carries its message key', (_label, change, field, key) => {
    expect(issuesOf(claimFormSchema(ZONE).safeParse({ ...base, ...change }))[field]).toBe(key);
  });

  it('when a deadline has a due date and no value, then it is accepted', () => {
    const parsed = claimFormSchema(ZONE).parse({ ...base, kind: 'deadline', value: '', dueAt: '31 décembre 2022' });
    expect(parsed.dueAt).toEqual({ at: new Date('2022-12-30T23:00:00Z'), precision: 'day' });
  });
});

describe('measurementFormSchema', () => {
  it('when the box is ticked, then it measures the same quantity; unticked, a proxy', () => {
    const form = { asOf: '29/12/2021 16:00', definition: 'liste noire', sourceTitle: 'Communiqué', value: '3 601' };
    expect(measurementFormSchema(ZONE).parse({ ...form, sameQuantity: 'on' })).toMatchObject({ sameQuantity: true, value: 3601, asOf: { precision: 'instant' } });
    expect(measurementFormSchema(ZONE).parse(form)).toMatchObject({ sameQuantity: false });
  });
});

describe('slugFromTitle', () => {
  it.each([
    ['Le « pass » à 182 000 !', 'le-pass-a-182-000'],
    ['Déjà   vu', 'deja-vu'],
    ['???', 'declaration'],
  ])('when the title is "%s", then the slug is "%s"', (title, slug) => {
    expect(slugFromTitle(title)).toBe(slug);
  });
});
