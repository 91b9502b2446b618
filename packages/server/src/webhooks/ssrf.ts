import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook must not reach unless the operator allows it: loopback, private,
 * link-local (cloud metadata lives at 169.254.169.254), CGNAT, unspecified, multicast and
 * the IPv6 equivalents. Checked on the address actually connected to (see sender.ts), so
 * DNS rebinding cannot slip past a check made earlier on the name.
 */
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

const internal = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  internal.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  internal.addSubnet(net, bits, 'ipv6');

export type NetworkPolicy = 'public-only' | 'allow-loopback' | 'allow-private';

/** Unwraps IPv4-mapped IPv6 (::ffff:10.0.0.1) so the IPv4 rules apply to it. */
function normalise(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return { address: mapped[1], family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** Why the address is refused under the policy, or undefined when it may be reached. */
export function addressRefusal(address: string, policy: NetworkPolicy): string | undefined {
  if (isIP(address) === 0) return `"${address}" is not an IP address`;
  const a = normalise(address);
  if (policy === 'allow-private') return undefined;
  if (loopback.check(a.address, a.family))
    return policy === 'allow-loopback' ? undefined : `${address} is a loopback address`;
  if (internal.check(a.address, a.family)) return `${address} is a private or reserved address`;
  return undefined;
}
