import type { Params } from '../params.ts';

/** A Basic Authorization header read as RFC 6749 2.3.1 client credentials. */
export type BasicCredentials = { ok: true; clientId: string; secret: string } | { ok: false; reason: string };

const BASIC_SCHEME = /^basic(\s|$)/i;
const BASIC = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i;

/** Undoes the application/x-www-form-urlencoded encoding RFC 6749 2.3.1 applies inside Basic. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/**
 * Decodes `Basic base64(urlencode(client_id) ":" urlencode(secret))`. Undefined when the
 * header is absent or uses another scheme; a failure names what is wrong with it.
 */
export function parseBasicCredentials(authorization: string | undefined): BasicCredentials | undefined {
  if (authorization === undefined || !BASIC_SCHEME.test(authorization)) return undefined;
  const m = BASIC.exec(authorization);
  if (!m?.[1]) return { ok: false, reason: 'the Authorization header is not valid Basic credentials' };
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return { ok: false, reason: 'Basic credentials must be client_id:client_secret' };
  try {
    return {
      ok: true,
      clientId: formDecode(decoded.slice(0, colon)),
      secret: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    return { ok: false, reason: 'Basic credentials are not validly form-urlencoded' };
  }
}

/**
 * The part of a TokenEndpointRequest (context.ts) this module reads, named here rather than
 * imported: the request type names BasicCredentials, so importing it back would be a cycle.
 */
export interface WithBasicCredentials {
  params: Params;
  authorization?: string;
  basic?: BasicCredentials | undefined;
}

/**
 * The request's Basic credentials, decoded once: the rate limiter reads the client id before
 * authentication, and client_secret_basic reads both afterwards. The HTTP layer builds the
 * request with `basic` already set; a request built without it is decoded here, once.
 */
export function basicCredentialsOf(req: WithBasicCredentials): BasicCredentials | undefined {
  if (!('basic' in req)) req.basic = parseBasicCredentials(req.authorization);
  return req.basic;
}
