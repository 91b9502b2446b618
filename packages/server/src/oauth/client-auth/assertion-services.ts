import type { JWTVerifyGetKey } from 'jose';
import type { AppWithSecrets } from '../../storage/types.ts';

/**
 * What verifying a client assertion needs from the rest of the server: the app's keys, its
 * secrets for HMAC, and the store that makes each `jti` single use on every node.
 */
export interface ClientAssertionServices {
  /** The app's registered public keys (inline JWKS or its jwks_uri, fetched and cached). */
  publicKeys(app: AppWithSecrets): JWTVerifyGetKey;
  /** The app's live secrets in clear, for client_secret_jwt; empty when none is kept. */
  hmacSecrets(app: AppWithSecrets): Promise<Uint8Array[]>;
  /** Records `jti` until `expiresAt`; false when it was already used (a replay). */
  useJti(clientId: string, jti: string, expiresAt: Date): Promise<boolean>;
  /** The token endpoint's URL: with the issuer, what `aud` may name. */
  tokenEndpoint: string;
}
