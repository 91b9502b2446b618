/** What a revocation feed entry names (see Gatehouse's tokens/revocation-keys.ts). */
export type RevocationKind = 'client' | 'grant' | 'guid' | 'jti' | 'family';

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The feed's key for a value: base64url SHA-256 of `kind:value`, the same as the server
 * writes, so the feed never carries a client_id, grant id or GUID in the clear. Web Crypto,
 * so it runs unchanged in Node, workers and edge runtimes.
 */
export async function revocationHash(kind: RevocationKind, value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(`${kind}:${value}`));
  return base64url(new Uint8Array(digest));
}
