import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { TenantVisibleError } from './delivery-error.ts';

/**
 * Host resolution for webhook deliveries, through c-ares (`dns.resolve4`/`resolve6`) rather
 * than `dns.lookup`. `dns.lookup` is getaddrinfo, which runs in libuv's thread pool: the pool
 * token signatures run in. With a small pool, one slow DNS answer for a receiver would hold
 * every token request behind it. c-ares queries run on the event loop and leave the pool alone.
 *
 * The price: /etc/hosts, nsswitch and resolv.conf search domains are not consulted (c-ares
 * still reads the name servers from resolv.conf). `localhost` names are answered here, as
 * RFC 6761 section 6.3 asks, so that a local receiver works without /etc/hosts.
 */

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to its addresses, IPv4 first. `family` 4 or 6 keeps only that family. */
export type HostResolver = (hostname: string, family?: 0 | 4 | 6) => Promise<ResolvedAddress[]>;

export interface HostResolverOptions {
  /** Name servers (`'127.0.0.1:5353'`, `'[::1]:53'`...); default: those of resolv.conf. */
  servers?: string[];
  /** Timeout of a first try in ms (c-ares lengthens it on later tries). */
  timeoutMs?: number;
  /** Tries per name server before giving up. */
  tries?: number;
}

const LOOPBACK: ResolvedAddress[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

export function createHostResolver(opts: HostResolverOptions = {}): HostResolver {
  // c-ares lengthens the timeout on later tries: with the defaults, a name server that never
  // answers costs several seconds. The delivery's own deadline (sender.ts) ends it sooner.
  const resolver = new Resolver({ timeout: opts.timeoutMs ?? 2000, tries: opts.tries ?? 2 });
  if (opts.servers) resolver.setServers(opts.servers);

  return async (hostname, family = 0) => {
    const name = hostname.replace(/^\[|\]$/g, '');
    const literal = isIP(name);
    if (literal !== 0) return [{ address: name, family: literal as 4 | 6 }];

    const lower = name.toLowerCase().replace(/\.$/, '');
    if (lower === 'localhost' || lower.endsWith('.localhost'))
      return LOOPBACK.filter((a) => family === 0 || a.family === family);

    const [v4, v6] = await Promise.allSettled([
      family === 6 ? Promise.resolve([]) : resolver.resolve4(name),
      family === 4 ? Promise.resolve([]) : resolver.resolve6(name),
    ]);
    const addresses: ResolvedAddress[] = [
      ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 as const })) : []),
      ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 as const })) : []),
    ];
    if (addresses.length > 0) return addresses;
    throw resolveError(hostname, [v4, v6]);
  };
}

/**
 * One error for a name neither query answered, carrying the most telling DNS code: a timeout
 * or NXDOMAIN (ENOTFOUND) says more than "no record of this type" (ENODATA) from the other query.
 */
function resolveError(hostname: string, results: PromiseSettledResult<string[]>[]): Error {
  const codes = results
    .map((r) => (r.status === 'rejected' ? (r.reason as { code?: string }).code : undefined))
    .filter((c): c is string => typeof c === 'string');
  const code = codes.find((c) => c !== 'ENODATA') ?? codes[0] ?? 'ENODATA';
  const what = code === 'ENOTFOUND' ? 'no such name' : code === 'ENODATA' ? 'no address record' : code;
  // The tenant's own host name, never an address: fit to show as the delivery's error.
  return Object.assign(new TenantVisibleError(`could not resolve ${hostname}: ${what} (${code})`, code), {
    hostname,
    syscall: 'resolve',
  });
}

/** The resolver deliveries use unless told otherwise: the system's name servers. */
export const defaultHostResolver: HostResolver = createHostResolver();
