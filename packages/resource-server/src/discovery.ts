import { ResourceServerError } from './errors.ts';

/** The parts of the issuer's metadata a resource server uses. */
export interface IssuerMetadata {
  jwksUri: URL;
  /** Gatehouse's revocation feed, when the server advertises one. */
  revocationFeedEndpoint?: string;
  /** Gatehouse's x-company-guid resolution endpoint, when advertised. */
  grantResolutionEndpoint?: string;
}

function optionalUrl(value: unknown): string | undefined {
  return typeof value === 'string' && URL.canParse(value) ? value : undefined;
}

/**
 * Reads the issuer's RFC 8414 metadata. Its `issuer` must equal the configured issuer
 * exactly, or a look-alike server could hand us its own keys.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.3
 */
export async function discoverMetadata(issuer: string, timeoutMs: number): Promise<IssuerMetadata> {
  const url = `${issuer}/.well-known/oauth-authorization-server`;
  let metadata: unknown;
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    metadata = await response.json();
  } catch (cause) {
    throw new ResourceServerError(
      'jwks_unavailable',
      'the authorization server metadata could not be fetched',
      [],
      { cause },
    );
  }
  const m = (metadata ?? {}) as Record<string, unknown>;
  if (m.issuer !== issuer)
    throw new ResourceServerError('jwks_unavailable', `the metadata at ${url} names another issuer`);
  if (typeof m.jwks_uri !== 'string' || !URL.canParse(m.jwks_uri))
    throw new ResourceServerError('jwks_unavailable', `the metadata at ${url} has no valid jwks_uri`);
  const out: IssuerMetadata = { jwksUri: new URL(m.jwks_uri) };
  const feed = optionalUrl(m.revocation_feed_endpoint);
  if (feed) out.revocationFeedEndpoint = feed;
  const grants = optionalUrl(m.grant_resolution_endpoint);
  if (grants) out.grantResolutionEndpoint = grants;
  return out;
}

/**
 * Finds the JWKS URI in the issuer's RFC 8414 metadata.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.3
 */
export async function discoverJwksUri(issuer: string, timeoutMs: number): Promise<URL> {
  return (await discoverMetadata(issuer, timeoutMs)).jwksUri;
}
