import { ResourceServerError } from './errors.ts';

/**
 * Finds the JWKS URI in the issuer's RFC 8414 metadata. The metadata's `issuer` must equal
 * the configured issuer exactly, or a look-alike server could hand us its own keys.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.3
 */
export async function discoverJwksUri(issuer: string, timeoutMs: number): Promise<URL> {
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
      {
        cause,
      },
    );
  }
  const m = (metadata ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
  if (m.issuer !== issuer)
    throw new ResourceServerError('jwks_unavailable', `the metadata at ${url} names another issuer`);
  if (typeof m.jwks_uri !== 'string' || !URL.canParse(m.jwks_uri))
    throw new ResourceServerError('jwks_unavailable', `the metadata at ${url} has no valid jwks_uri`);
  return new URL(m.jwks_uri);
}
