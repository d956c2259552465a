import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** The private blocks a newsroom allowed (config FETCH_ALLOW_PRIVATE), parsed once per fetch. */
export type AllowedBlocks = readonly (readonly [Address, number])[];

/** Reads `127.0.0.1`, `10.0.0.0/8` or `::1` (already validated by the config) as a block. */
export function parseAllowedBlocks(items: readonly string[]): AllowedBlocks {
  return items.map((item) => {
    if (item.includes('/')) return ipaddr.parseCIDR(item);
    const address = ipaddr.parse(item);
    return [address, address.kind() === 'ipv4' ? 32 : 128] as const;
  });
}

/**
 * Whether a source may be fetched from this address. Only globally routed unicast passes:
 * ipaddr.js names every other range (private, loopback, link-local, unique-local, CGNAT,
 * multicast, unspecified, broadcast, reserved, documentation, NAT64, 6to4, Teredo…), and an
 * IPv4-mapped IPv6 address is judged as the IPv4 address it carries. A block the newsroom
 * allowed passes whatever its range.
 */
export function isFetchableAddress(literal: string, allowed: AllowedBlocks): boolean {
  if (!ipaddr.isValid(literal)) return false;
  const address = ipaddr.process(literal);
  if (allowed.some(([block, bits]) => block.kind() === address.kind() && address.match(block, bits))) return true;
  return address.range() === 'unicast';
}
