import { isIP } from 'node:net';

/**
 * What a failed attempt tells the tenant. A delivery's error is stored and shown in the
 * console, the management API and the CLI, so it must not carry what the tenant could not
 * learn otherwise: Node's own messages name the address connected to ("connect ECONNREFUSED
 * 10.0.0.7:443", a certificate's "IP: 10.0.0.7 is not in the cert's list"), which turns the
 * webhook into a probe of the operator's network. Known failures get fixed words; anything
 * else only its error code. The operator reads the full message in the debug log.
 */

/** An error whose message is already fit for the tenant (timeouts, refusals, DNS: see sender.ts). */
export class TenantVisibleError extends Error {
  constructor(
    message: string,
    readonly code: string,
    /** For the operator's log only. */
    readonly detail?: string,
  ) {
    super(message);
  }
}

const BY_CODE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the receiver',
  EPIPE: 'connection closed by the receiver',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  ENOTFOUND: 'no such name',
  ERR_TLS_CERT_ALTNAME_INVALID: "the TLS certificate does not match the endpoint's host name",
  CERT_HAS_EXPIRED: 'the TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the TLS certificate chain is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the TLS certificate chain is incomplete or not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the TLS certificate chain is incomplete or not trusted',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the endpoint did not answer TLS',
  HPE_INVALID_CONSTANT: 'the receiver did not answer HTTP',
};

/** The tenant-visible words for a request error (at most 200 characters). */
export function tenantError(err: unknown): string {
  if (err instanceof TenantVisibleError) return err.message.slice(0, 200);
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return 'connection failed';
  const known = BY_CODE[code];
  return known ? `${known} (${code})` : `connection failed (${code.slice(0, 60)})`;
}

const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g;
const IPV6_CANDIDATE = /\[?[0-9a-f]*:[0-9a-f:.]*[0-9a-f](?:%\w+)?\]?(?::\d{1,5})?/gi;

/**
 * Errors recorded before this module existed said "refused: 10.0.0.7 is a private or
 * reserved address" or "connect ECONNREFUSED 10.0.0.7:443"; they are shown without the
 * address until they are pruned (finished deliveries go after 30 days).
 */
export function redactAddresses(text: string): string {
  // IPv6 first: its candidates take in an embedded dotted quad (::ffff:10.0.0.7) whole.
  const v6 = text.replace(IPV6_CANDIDATE, (m) => {
    const bare = m.replace(/^\[/, '').replace(/\](?::\d+)?$/, '');
    return isIP(bare) === 6 || isIP(bare.replace(/:\d{1,5}$/, '')) === 6 ? 'an address' : m;
  });
  return v6.replace(IPV4, 'an address');
}
