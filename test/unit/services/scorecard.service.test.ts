import { buildScorecard, medianOfSorted, scorecardAt } from '../../../server/services/scorecard.service';

const TZ = 'Europe/Paris';

describe('median of realised shares', () => {
  it('when there is no share, then there is no median', () => expect(medianOfSorted([])).toBeNull());
  it('when the count is odd, then the middle value is the median', () => expect(medianOfSorted([10, 40, 90])).toBe(40));
  it('when the count is even, then the median is the mean of the two middle values', () => expect(medianOfSorted([10, 40, 60, 90])).toBe(50));
  it('when a measured count claim has a proxy headline, then it is counted apart and never in the median', () => {
    const card = buildScorecard([
      { announced: { kind: 'count', value: 1000 }, tracking: { stage: 'measured', headlineValue: 500, headlineProxy: false } },
      { announced: { kind: 'count', value: 1000 }, tracking: { stage: 'measured', headlineValue: 5, headlineProxy: true } },
      { announced: { kind: 'money', value: 1000 }, tracking: { stage: 'measured', headlineValue: 900, headlineProxy: false } },
    ]);
    expect(card.shares).toEqual([50]);
    expect(card.proxyHeadlines).toBe(1);
  });
});

describe('days overdue at read time', () => {
  const card = buildScorecard([
    { announced: { kind: 'deadline', dueAt: new Date('2026-11-20T22:59:59Z') }, tracking: { stage: 'deadline-open', openDueAt: new Date('2026-11-20T22:59:59Z') } },
    { announced: { kind: 'deadline', dueAt: new Date('2026-11-01T12:00:00Z') }, tracking: { stage: 'deadline-checked', openDueAt: new Date('2026-11-01T12:00:00Z') } },
    { announced: { kind: 'deadline', dueAt: new Date('2027-01-01T00:00:00Z') }, tracking: { stage: 'deadline-open', openDueAt: new Date('2027-01-01T00:00:00Z') } },
    { announced: { kind: 'deadline' }, tracking: { stage: 'deadline-met' } },
  ]);

  it('when read on 23 November at noon, then two deadlines are overdue by 3 + 22 calendar days in Paris', () => {
    const view = scorecardAt(card, new Date('2026-11-23T12:00:00Z'), TZ);
    expect(view.deadlines).toEqual({ total: 4, met: 1, pending: 1, late: 1, unverified: 1, overdue: 2, daysOverdue: 25 });
  });

  it('when Paris midnight passes, then the days overdue grow by one per overdue deadline', () => {
    expect(scorecardAt(card, new Date('2026-11-23T22:59:59Z'), TZ).deadlines.daysOverdue).toBe(25);
    expect(scorecardAt(card, new Date('2026-11-23T23:00:00Z'), TZ).deadlines.daysOverdue).toBe(27);
  });

  it('when a due instant is reached but not passed, then the deadline is still pending', () => {
    const view = scorecardAt(card, new Date('2026-11-20T22:59:59Z'), TZ);
    expect(view.deadlines).toMatchObject({ unverified: 0, pending: 2, late: 1 });
  });
});
