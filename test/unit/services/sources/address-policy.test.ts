import { isFetchableAddress, parseAllowedBlocks } from '../../../../server/services/sources/address-policy';

describe('isFetchableAddress', () => {
  const none = parseAllowedBlocks([]);

  it.each([
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'documentation'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fe80::1', 'IPv6 link-local'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['ff02::1', 'IPv6 multicast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:a00:1', 'IPv4-mapped private'],
    ['64:ff9b::a00:1', 'NAT64 of a private address'],
    ['2002:a00:1::1', '6to4 of a private address'],
    ['not-an-ip', 'not an address'],
  ])('when the address is %s (%s), then it is refused', (address) => {
    expect(isFetchableAddress(address, none)).toBe(false);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('when the address is the public %s, then it is allowed', (address) => {
    expect(isFetchableAddress(address, none)).toBe(true);
  });

  it('when the newsroom allows 127.0.0.1 and 10.0.0.0/8, then exactly those pass, mapped forms included', () => {
    const allowed = parseAllowedBlocks(['127.0.0.1', '10.0.0.0/8']);
    expect(isFetchableAddress('127.0.0.1', allowed)).toBe(true);
    expect(isFetchableAddress('::ffff:127.0.0.1', allowed)).toBe(true);
    expect(isFetchableAddress('10.200.0.1', allowed)).toBe(true);
    expect(isFetchableAddress('127.0.0.2', allowed)).toBe(false);
    expect(isFetchableAddress('::1', allowed)).toBe(false);
    expect(isFetchableAddress('192.168.0.1', allowed)).toBe(false);
  });

  it('when the newsroom allows ::1, then the IPv6 loopback passes and IPv4 loopback does not', () => {
    const allowed = parseAllowedBlocks(['::1']);
    expect(isFetchableAddress('::1', allowed)).toBe(true);
    expect(isFetchableAddress('127.0.0.1', allowed)).toBe(false);
  });
});
