import { DiscoveryError } from './errors.ts';
import { type HttpOptions, jsonObject, secureUrl } from './http.ts';
import { sendWithRetry } from './retry.ts';

/**
 * The fields of RFC 8414 metadata this package reads; the rest pass through untyped.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint: string;
  authorization_endpoint?: string;
  jwks_uri?: string;
  scopes_supported?: string[];
  grant_types_supported?: string[];
  code_challenge_methods_supported?: string[];
  /** RFC 9207: the server puts `iss` in authorization responses. */
  authorization_response_iss_parameter_supported?: boolean;
  [field: string]: unknown;
}

/** How long fetched metadata is reused (Gatehouse serves it with max-age=300). */
const CACHE_MS = 5 * 60_000;
const cache = new Map<string, { at: number; metadata: Promise<AuthorizationServerMetadata> }>();

/**
 * The metadata URL of an issuer: the well-known suffix goes between host and path.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.1
 */
export function metadataUrl(issuer: URL): URL {
  const path = issuer.pathname === '/' ? '' : issuer.pathname.replace(/\/+$/, '');
  return new URL(`/.well-known/oauth-authorization-server${path}`, issuer.origin);
}

async function fetchMetadata(issuer: string, options: HttpOptions): Promise<AuthorizationServerMetadata> {
  const url = metadataUrl(secureUrl(issuer, 'issuer', options.allowInsecureHttp));
  const doFetch = options.fetch ?? fetch;
  const res = await sendWithRetry(
    (signal) => doFetch(url, { headers: { accept: 'application/json' }, signal }),
    'idempotent',
    options.retry,
  );
  if (res.status !== 200) throw new DiscoveryError(`${url} answered ${res.status}`);
  const body = await jsonObject(res);
  if (!body) throw new DiscoveryError(`${url} did not answer a JSON object`);
  // RFC 8414 §3.3: a document naming another issuer must not be used (mix-up defence).
  if (body.issuer !== issuer)
    throw new DiscoveryError(`metadata at ${url} names issuer ${String(body.issuer)}, expected ${issuer}`);
  if (typeof body.token_endpoint !== 'string')
    throw new DiscoveryError(`metadata at ${url} has no token_endpoint`);
  return body as AuthorizationServerMetadata;
}

/**
 * Fetches (and caches for five minutes) an issuer's authorization server metadata,
 * checking that it describes exactly that issuer. Concurrent callers share one request;
 * a failure is not cached.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
export function discover(issuer: string, options: HttpOptions = {}): Promise<AuthorizationServerMetadata> {
  const now = Date.now();
  const hit = cache.get(issuer);
  if (hit && now - hit.at < CACHE_MS) return hit.metadata;
  const metadata = fetchMetadata(issuer, options);
  cache.set(issuer, { at: now, metadata });
  metadata.catch(() => {
    if (cache.get(issuer)?.metadata === metadata) cache.delete(issuer);
  });
  return metadata;
}

/** Forgets cached metadata (all of it, or one issuer's). */
export function clearDiscoveryCache(issuer?: string): void {
  if (issuer === undefined) cache.clear();
  else cache.delete(issuer);
}
