import { addressKey, delayAfter } from '../../../server/services/login-throttle.service';

describe('the address a login counter counts', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['unknown', 'unknown'],
  ])('when the client is %s, then it is counted as %s', (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });

  it('when one IPv6 client rotates the last 64 bits, then every attempt lands on one counter', () => {
    const keys = new Set(['2001:db8:5:6::1', '2001:db8:5:6::2', '2001:db8:5:6:ffff::9'].map(addressKey));
    expect(keys).toEqual(new Set(['2001:db8:5:6::/64']));
  });
});

describe('the wait after failures', () => {
  const policy = { freeFailures: 5, baseDelayMs: 30_000, maxDelayMs: 900_000 };

  it('when failures stay within the free ones, then there is no wait, and beyond they double up to the cap', () => {
    expect([0, 4, 5, 6, 7, 10, 40, 1000].map((n) => delayAfter(n, policy))).toEqual([0, 0, 30_000, 60_000, 120_000, 900_000, 900_000, 900_000]);
  });
});
