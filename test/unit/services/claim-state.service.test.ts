import { claimState, stateMatchesFilter, storedClaimState, CLAIM_STATES, CLAIM_STATE_FILTERS } from '../../../server/services/claim-state.service';

const now = new Date('2026-11-23T12:00:00Z');
const before = new Date(now.getTime() - 1);
const after = new Date(now.getTime() + 1);

type Input = Parameters<typeof claimState>[0];
function claim(kind: string, measurementCount: number, delivered: boolean, dueAt?: Date): Input {
  return { announced: { kind, dueAt, definition: 'x' }, tracking: { measurementCount, delivered, ...storedClaimState({ kind, dueAt }, measurementCount, delivered) } } as unknown as Input;
}

describe('claimState', () => {
  it.each([
    ['a count with no measurement', claim('count', 0, false), 'awaiting'],
    ['a money claim measured', claim('money', 2, false), 'measured'],
    ['a qualitative claim with no measurement', claim('qualitative', 0, false), 'qualitative'],
    ['a qualitative claim with a measurement', claim('qualitative', 1, false), 'qualitative'],
    ['a deadline due later, never checked', claim('deadline', 0, false, after), 'pending'],
    ['a deadline due at this very instant', claim('deadline', 0, false, now), 'pending'],
    ['a deadline due later, checked and not delivered', claim('deadline', 1, false, after), 'pending'],
    ['a deadline past due, never checked', claim('deadline', 0, false, before), 'unverified'],
    ['a deadline past due, checked and not delivered', claim('deadline', 1, false, before), 'late'],
    ['a deadline delivered', claim('deadline', 1, true, before), 'met'],
  ])('when it is %s, then its state is %s', (_label, input, expected) => {
    expect(claimState(input, now)).toBe(expected);
  });

  it('when a claim has no stored stage (data from before the backfill), then its state is derived by the same rule', () => {
    const stored = claim('deadline', 0, false, before);
    const bare = { ...stored, tracking: { measurementCount: 0, delivered: false } } as unknown as Input;
    expect(claimState(bare, now)).toBe(claimState(stored, now));
  });

  it('when the clock passes the due date, then a pending deadline becomes unverified by itself', () => {
    const c = claim('deadline', 0, false, now);
    expect(claimState(c, now)).toBe('pending');
    expect(claimState(c, after)).toBe('unverified');
  });

  it('when stored, then only an undelivered deadline keeps a due date', () => {
    expect(storedClaimState({ kind: 'deadline', dueAt: now }, 0, false)).toEqual({ stage: 'deadline-open', openDueAt: now });
    expect(storedClaimState({ kind: 'deadline', dueAt: now }, 1, false)).toEqual({ stage: 'deadline-checked', openDueAt: now });
    expect(storedClaimState({ kind: 'deadline', dueAt: now }, 1, true)).toEqual({ stage: 'deadline-met', openDueAt: null });
    expect(storedClaimState({ kind: 'count' }, 0, false)).toEqual({ stage: 'awaiting', openDueAt: null });
  });

  it('when a filter is named, then overdue covers unverified and late, and every other filter one state', () => {
    for (const state of CLAIM_STATES) {
      const filters = CLAIM_STATE_FILTERS.filter((f) => stateMatchesFilter(state, f));
      expect({ state, filters }).toEqual({ state, filters: state === 'unverified' || state === 'late' ? ['overdue', state] : [state] });
    }
  });
});
