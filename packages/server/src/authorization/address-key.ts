import ipaddr from 'ipaddr.js';

/**
 * The key a client address is throttled under: an IPv4 address as it is (an IPv4-mapped IPv6
 * one as its IPv4 address), an IPv6 address by its /64. One subscriber line or host is given a
 * whole /64 at least, so keyed by the full address, one attacker would have 2^64 "addresses",
 * each with a fresh allowance. Anything that is not an IP address is its own key.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6177 IPv6 address assignment to end sites (a /64 at least)
 */
export function addressKey(ip: string): string {
  if (!ipaddr.IPv6.isValid(ip)) return ip;
  const v6 = ipaddr.IPv6.parse(ip);
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  const prefix = v6.parts.slice(0, 4).map((p) => p.toString(16));
  return `${prefix.join(':')}::/64`;
}
