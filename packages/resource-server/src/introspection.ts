import { ExpiringLru } from '@gatehouse/cache';
import { type AccessTokenClaims, toAccessTokenClaims } from './claims.ts';
import { ResourceServerError } from './errors.ts';
import type { ResolvedGrant } from './grants.ts';

/** Not JWS compact serialization: a token only introspection can read. */
export function isOpaqueToken(token: string): boolean {
  return token.split('.').length !== 3;
}

/** How this API authenticates to the introspection endpoint (a confidential Gatehouse app). */
export interface IntrospectionOptions {
  /** The resource server's client_id; the operator lists it in GATEHOUSE_INTROSPECTION_CLIENTS. */
  clientId: string;
  clientSecret: string;
  /** Default: `introspection_endpoint` from `${issuer}/.well-known/oauth-authorization-server`. */
  endpoint?: string;
  /** Seconds an inactive answer is remembered (a flood of bad tokens costs one call each). Default 10. */
  inactiveCacheSeconds?: number;
  /** Answers remembered at most. Default 10,000; 0 turns the cache off. */
  cacheSize?: number;
  /** Timeout of each call. Default 5 s. */
  timeoutMs?: number;
}

export interface Introspector {
  /** The claims of an active token; throws `token_inactive` or `introspection_unavailable`. */
  introspect(token: string): Promise<AccessTokenClaims>;
  /**
   * The company grant `guid` names, as this token may use it: introspection with
   * `company_guid`, whose `scope` is already the token's intersected with the grant's.
   * Undefined when Gatehouse answers `active: false` (no active grant of the token's app,
   * or another company than the token's). Not cached here: GrantResolver caches it.
   */
  companyGrant(token: string, guid: string): Promise<ResolvedGrant | undefined>;
  /** Forgets cached answers for this token id (used when the revocation feed names it). */
  forget(jti: string): void;
}

type Answer = { active: true; claims: AccessTokenClaims } | { active: false };

/**
 * An RFC 7662 client for opaque access tokens. Active answers are cached until the token's
 * `exp` (so a token seen again costs a map lookup, as a JWT does), inactive ones briefly;
 * concurrent requests with one token share one call. The answer must name our issuer and
 * audience and be a Bearer token, or it is treated as inactive.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
 */
export function createIntrospector(
  options: IntrospectionOptions & { issuer: string; audience: string },
): Introspector {
  const timeoutMs = options.timeoutMs ?? 5000;
  const inactiveSeconds = options.inactiveCacheSeconds ?? 10;
  const cache = new ExpiringLru<Answer>(options.cacheSize ?? 10_000);
  const inFlight = new Map<string, Promise<Answer>>();
  const authorization = `Basic ${btoa(`${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`)}`;
  let endpoint: Promise<string> | undefined;

  const endpointUrl = (): Promise<string> => {
    endpoint ??=
      options.endpoint !== undefined
        ? Promise.resolve(options.endpoint)
        : discover(options.issuer, timeoutMs);
    endpoint.catch(() => {
      endpoint = undefined;
    });
    return endpoint;
  };

  /** The RFC 7662 answer, or undefined unless it is an active Bearer token for us. */
  const post = async (form: Record<string, string>): Promise<Record<string, unknown> | undefined> => {
    const url = await endpointUrl();
    let body: Record<string, unknown>;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ ...form, token_type_hint: 'access_token' }),
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.status !== 200) throw new Error(`the introspection endpoint answered ${res.status}`);
      body = (await res.json()) as Record<string, unknown>;
    } catch (cause) {
      throw new ResourceServerError('introspection_unavailable', 'the token could not be introspected', [], {
        cause,
      });
    }
    if (body.active !== true) return undefined;
    const aud = body.aud;
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (body.iss !== options.issuer || !audiences.includes(options.audience)) return undefined;
    // A DPoP-bound token (RFC 9449 6.2) is `DPoP` with its `cnf`; its proof is checked by authenticate().
    const type = body.token_type === undefined ? 'bearer' : String(body.token_type).toLowerCase();
    if (type !== 'bearer' && !(type === 'dpop' && body.cnf !== undefined)) return undefined;
    return body;
  };

  const call = async (token: string): Promise<Answer> => {
    const body = await post({ token });
    if (!body) return { active: false };
    try {
      return { active: true, claims: toAccessTokenClaims(body) };
    } catch {
      return { active: false };
    }
  };

  return {
    async introspect(token) {
      const now = Math.floor(Date.now() / 1000);
      let answer = cache.get(token, now);
      if (!answer) {
        let pending = inFlight.get(token);
        if (!pending) {
          pending = call(token).finally(() => inFlight.delete(token));
          inFlight.set(token, pending);
        }
        answer = await pending;
        cache.set(token, answer, answer.active ? answer.claims.exp : now + inactiveSeconds);
      }
      if (!answer.active || answer.claims.exp <= now)
        throw new ResourceServerError('token_inactive', 'the access token is not active');
      return answer.claims;
    },
    async companyGrant(token, guid) {
      const body = await post({ token, company_guid: guid });
      if (!body) return undefined;
      const { company_id, client_id, scope, grant_guid } = body;
      // A server that ignores company_guid answers for the token alone: that is no grant.
      if (
        grant_guid !== guid ||
        typeof company_id !== 'string' ||
        typeof client_id !== 'string' ||
        typeof scope !== 'string'
      )
        throw new ResourceServerError(
          'grant_lookup_unavailable',
          'the introspection answer names no company grant (the authorization server must support company_guid)',
        );
      return { guid, company_id, client_id, scope };
    },
    forget(jti) {
      cache.deleteWhere((a) => a.active && a.claims.jti === jti);
    },
  };
}

/** RFC 6749 2.3.1: client credentials are form-encoded before they go into Basic. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

async function discover(issuer: string, timeoutMs: number): Promise<string> {
  const url = `${issuer}/.well-known/oauth-authorization-server`;
  try {
    const res = await fetch(url, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    const m = (await res.json()) as { issuer?: unknown; introspection_endpoint?: unknown };
    if (m.issuer !== issuer) throw new Error(`the metadata at ${url} names another issuer`);
    if (typeof m.introspection_endpoint !== 'string' || !URL.canParse(m.introspection_endpoint))
      throw new Error(`the metadata at ${url} has no introspection_endpoint`);
    return m.introspection_endpoint;
  } catch (cause) {
    throw new ResourceServerError(
      'introspection_unavailable',
      'the introspection endpoint could not be discovered',
      [],
      { cause },
    );
  }
}
