import { sha256 } from '../util/hash.ts';

/**
 * What a revocation names. Resource servers check a token against each kind it carries:
 * `client` (client_id: the app was deleted), `grant` (the `gid` claim), `guid` (an
 * `x-company-guid` a partner sends), `jti` (one access token), `family` (the `fid` claim of
 * tokens issued from one refresh-token family).
 */
export type RevocationKind = 'client' | 'grant' | 'guid' | 'jti' | 'family';

/**
 * The feed carries SHA-256 of `kind:value`, never the value, so it can be served without
 * credentials: it tells a verifier holding a token whether that token is dead, and tells
 * anyone else nothing. @gatehouse/resource-server computes the same hash.
 */
export function revocationHash(kind: RevocationKind, value: string): string {
  return sha256(`${kind}:${value}`);
}

/** Longest an access token can live: after this a revocation of its grant or app is moot. */
export const MAX_ACCESS_TOKEN_TTL_MS = 86_400_000;
