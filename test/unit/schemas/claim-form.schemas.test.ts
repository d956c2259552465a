import { claimFormSchema, measurementEditFormSchema, measurementFormSchema, timelineFormSchema, type FormInputContext } from '../../../server/schemas/claim-form.schemas';
import { speakerFormSchema, topicFormSchema } from '../../../server/schemas/people.schemas';
import { createUserSchema } from '../../../server/schemas/user.schemas';
import { slugFromTitle } from '../../../server/services/slugs.service';

const ZONE = 'Europe/Paris';
const NOW = new Date('2026-11-23T12:00:00Z');
const FR: FormInputContext = { timeZone: ZONE, locale: 'fr', now: NOW };
const EN: FormInputContext = { timeZone: ZONE, locale: 'en', now: NOW };
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
    const parsed = claimFormSchema(FR).parse({ ...base, topics: SPEAKER, unit: '' });
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
    ['a currency on a count', { currency: 'EUR' }, 'currency', 'claim.form.currency.not_applicable'],
    ['a due date on a count', { dueAt: '31/12/2022' }, 'dueAt', 'claim.form.due.not_applicable'],
    ['a value on a deadline', { kind: 'deadline', dueAt: '31/12/2022' }, 'value', 'claim.form.value.not_applicable'],
    ['a value on a qualitative claim', { kind: 'qualitative' }, 'value', 'claim.form.value.not_applicable'],
    ['an announced 10^21', { value: '1 000 000 000 000 000 000 000' }, 'value', 'form.number.too_large'],
    ['the year 0000', { saidAt: '0000-12-20' }, 'saidAt', 'form.date.implausible_year'],
    ['a date next year', { saidAt: '20/12/2027' }, 'saidAt', 'form.date.future'],
    ['a source published next year', { sourcePublishedAt: '2027' }, 'sourcePublishedAt', 'form.date.future'],
  ])('when the form has %s, then the field carries its message key', (_label, change, field, key) => {
    expect(issuesOf(claimFormSchema(FR).safeParse({ ...base, ...change }))[field]).toBe(key);
  });

  it('when a deadline has a due date and no value, then it is accepted', () => {
    const parsed = claimFormSchema(FR).parse({ ...base, kind: 'deadline', value: '', dueAt: '31 décembre 2022' });
    expect(parsed.dueAt).toEqual({ at: new Date('2022-12-30T23:00:00Z'), precision: 'day' });
  });
});

describe('claimFormSchema, all errors at once', () => {
  it('when a form has a future date and other bad fields, then every field carries its message in the same pass', () => {
    const issues = issuesOf(claimFormSchema(FR).safeParse({ ...base, saidAt: '20/12/2031', value: '1.200', currency: 'EUR', title: '' }));
    expect(issues).toEqual({ saidAt: 'form.date.future', value: 'form.number.ambiguous_separator', currency: 'claim.form.currency.not_applicable', title: 'claim.form.title.required' });
  });

  it('when a date is within a day of the clock, then it is accepted (time zones, not typos)', () => {
    expect(claimFormSchema(FR).safeParse({ ...base, saidAt: '24/11/2026' }).success).toBe(true);
  });

  it('when a deadline is years ahead, then it is accepted: a due date is the one date allowed in the future', () => {
    expect(claimFormSchema(FR).safeParse({ ...base, kind: 'deadline', value: '', dueAt: '2030' }).success).toBe(true);
  });

  it('when the site is in English, then figures and dates are read the English way', () => {
    const parsed = claimFormSchema(EN).parse({ ...base, value: '1,200.5', saidAt: 'December 20, 2021' });
    expect(parsed).toMatchObject({ value: 1200.5, saidAt: { at: new Date('2021-12-19T23:00:00Z'), precision: 'day' } });
    expect(issuesOf(claimFormSchema(EN).safeParse({ ...base, value: '1,20', saidAt: '12/20/2021' }))).toEqual({ value: 'form.number.ambiguous_separator', saidAt: 'form.date.numeric_ambiguous' });
  });
});

describe('control characters', () => {
  const dirty = 'Faux\u0000 pass\u001b[31m\u007f\u0085\u009b ok\tnote\r\nsuite';
  const clean = 'Faux pass[31m ok\tnote\r\nsuite';

  it('when a text field carries NUL, ESC, DEL or C1 characters, then they are removed and tabs and line breaks kept', () => {
    const parsed = claimFormSchema(FR).parse({ ...base, statement: dirty, unit: '\u0000', sourceOutlet: `\u0007${base.sourceOutlet}` });
    expect(parsed.statement).toBe(clean);
    expect(parsed.unit).toBeUndefined();
    expect(parsed.sourceOutlet).toBe('Le Monde');
  });

  it.each([
    ['the measurement form', () => measurementFormSchema(FR).parse({ asOf: '29/12/2021', definition: dirty, sourceTitle: 'x', value: '1' }).definition],
    ['the timeline form', () => timelineFormSchema(FR).parse({ kind: 'statement', at: '29/12/2021', who: 'x', text: dirty, sourceTitle: 'x' }).text],
    ['the speaker form', () => speakerFormSchema.parse({ name: dirty }).name],
    ['the topic form', () => topicFormSchema.parse({ name: dirty }).name],
    ['the user form', () => createUserSchema.parse({ email: 'a@b.fr', name: dirty, role: 'editor', password: 'x' }).name],
  ])('when %s gets control characters, then they are removed', (_label, parse) => {
    expect(parse()).toBe(clean);
  });

  it('when a required field holds only control characters, then it is refused as empty', () => {
    expect(issuesOf(claimFormSchema(FR).safeParse({ ...base, title: '\u0000\u001b' })).title).toBe('claim.form.title.required');
  });
});

describe('measurementFormSchema', () => {
  it('when the box confirming a date before the claim is ticked, then the form says so; left alone, it says not', () => {
    const form = { asOf: '29/12/2017', definition: 'liste noire', sourceTitle: 'Communiqué', value: '3 601' };
    expect(measurementFormSchema(FR).parse({ ...form, confirmBeforeAnnouncement: 'on' })).toMatchObject({ confirmBeforeAnnouncement: true });
    expect(measurementFormSchema(FR).parse(form)).toMatchObject({ confirmBeforeAnnouncement: false });
    expect(measurementEditFormSchema(FR).parse({ ...form, version: '0', confirmBeforeAnnouncement: 'on' })).toMatchObject({ confirmBeforeAnnouncement: true });
  });

  it('when a measurement is dated in the future, then asOf is refused with the other errors', () => {
    const issues = issuesOf(measurementFormSchema(FR).safeParse({ asOf: '29/12/2029', definition: '', value: '1.5', sourceTitle: 'x' }));
    expect(issues).toEqual({ asOf: 'form.date.future', definition: 'claim.form.definition.required', value: 'form.number.ambiguous_separator' });
  });

  it('when the box is ticked, then it measures the same quantity; unticked, a proxy', () => {
    const form = { asOf: '29/12/2021 16:00', definition: 'liste noire', sourceTitle: 'Communiqué', value: '3 601' };
    expect(measurementFormSchema(FR).parse({ ...form, sameQuantity: 'on' })).toMatchObject({ sameQuantity: true, value: 3601, asOf: { precision: 'instant' } });
    expect(measurementFormSchema(FR).parse(form)).toMatchObject({ sameQuantity: false });
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
