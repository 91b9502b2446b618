import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which addresses a webhook may reach. The ranges come from ipaddr.js's classification
 * (`range()`, kept up to date with the IANA special-purpose registries) instead of a list kept
 * here by hand, which had missed NAT64, 6to4, IPv4-compatible and site-local addresses.
 * Checked on the address actually connected to (see sender.ts), so DNS rebinding cannot slip
 * past a check made earlier on the name.
 *
 * @see https://www.iana.org/assignments/iana-ipv4-special-registry/
 * @see https://www.iana.org/assignments/iana-ipv6-special-registry/
 */
export type NetworkPolicy = 'public-only' | 'allow-loopback' | 'allow-private';

/** What an address is, as far as delivery cares; `public` is the only kind public-only admits. */
export type AddressKind =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'site-local'
  | 'multicast'
  | 'broadcast'
  | 'unspecified'
  | 'reserved'
  | 'nat64'
  | '6to4'
  | 'teredo'
  | 'ipv4-compatible'
  | 'ipv4-translated'
  | 'not-an-address';

/** Tenant-visible words for each refused kind. They never contain the address itself. */
const LABELS: Record<Exclude<AddressKind, 'public'>, string> = {
  loopback: 'loopback',
  private: 'private network',
  'link-local': 'link-local',
  'site-local': 'site-local',
  multicast: 'multicast',
  broadcast: 'broadcast',
  unspecified: 'unspecified address',
  reserved: 'reserved or special-purpose range',
  nat64: 'IPv4 embedded in IPv6: NAT64',
  '6to4': 'IPv4 embedded in IPv6: 6to4',
  teredo: 'IPv4 embedded in IPv6: Teredo',
  'ipv4-compatible': 'IPv4 embedded in IPv6: IPv4-compatible',
  'ipv4-translated': 'IPv4 embedded in IPv6: IPv4-translated',
  'not-an-address': 'not an IP address',
};

const V4_KINDS: Record<string, AddressKind> = {
  unicast: 'public',
  // AS112 (DNS sinks) and AMT relays are ordinary globally routed unicast.
  as112: 'public',
  amt: 'public',
  loopback: 'loopback',
  private: 'private',
  carrierGradeNat: 'private',
  linkLocal: 'link-local',
  multicast: 'multicast',
  broadcast: 'broadcast',
  unspecified: 'unspecified',
};

/**
 * IPv6 addresses that carry an IPv4 address (other than IPv4-mapped) are refused outright, not
 * judged by the IPv4 inside: the packet goes to a translator or relay (NAT64 gateway, 6to4
 * relay, Teredo server) whose reach into the network Gatehouse cannot see, and a receiver on
 * the public internet never needs these forms.
 */
const V6_KINDS: Record<string, AddressKind> = {
  unicast: 'public',
  as112v6: 'public',
  amt: 'public',
  loopback: 'loopback',
  uniqueLocal: 'private',
  linkLocal: 'link-local',
  deprecatedSiteLocal: 'site-local',
  multicast: 'multicast',
  unspecified: 'unspecified',
  rfc6052: 'nat64',
  '6to4': '6to4',
  teredo: 'teredo',
  rfc6145: 'ipv4-translated',
};

/** Global unicast (RFC 4291 2.4): everything public in IPv6 lies in 2000::/3 today. */
const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3') as [ipaddr.IPv6, number];
/** IPv4-compatible IPv6 (RFC 4291 2.5.5.1, deprecated): ::a.b.c.d. */
const V4_COMPATIBLE = ipaddr.parseCIDR('::/96') as [ipaddr.IPv6, number];

/**
 * The address in WHATWG URL form (hex groups, zone id dropped). ipaddr.js reads any dotted
 * tail as IPv4-mapped, so `::10.0.0.1` (IPv4-compatible, which inet_ntop and c-ares print that
 * way) would pass for `::ffff:10.0.0.1`; the URL parser keeps the two apart.
 */
function canonical(address: string): string {
  if (isIP(address) !== 6) return address;
  const bare = address.replace(/%.*$/, '');
  return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
}

/** Classifies an IP address. IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 inside it. */
export function classifyAddress(address: string): AddressKind {
  if (isIP(address) === 0) return 'not-an-address';
  const ip = ipaddr.parse(canonical(address));
  if (ip.kind() === 'ipv4') return V4_KINDS[ip.range()] ?? 'reserved';
  const v6 = ip as ipaddr.IPv6;
  const range = v6.range();
  // How Node reports an IPv4 peer on a dual-stack socket: the IPv4 rules apply.
  if (range === 'ipv4Mapped') return classifyAddress(v6.toIPv4Address().toString());
  const kind = V6_KINDS[range] ?? 'reserved';
  if (kind !== 'public') return kind;
  if (v6.match(V4_COMPATIBLE)) return 'ipv4-compatible';
  return v6.match(GLOBAL_UNICAST) ? 'public' : 'reserved';
}

/**
 * Why the address is refused under the policy (words fit to show a tenant: never the address),
 * or undefined when it may be reached. allow-loopback admits loopback besides public
 * addresses; allow-private admits every address.
 */
export function addressRefusal(address: string, policy: NetworkPolicy): string | undefined {
  const kind = classifyAddress(address);
  if (kind === 'not-an-address') return LABELS[kind];
  if (policy === 'allow-private' || kind === 'public') return undefined;
  if (kind === 'loopback' && policy === 'allow-loopback') return undefined;
  return LABELS[kind];
}
