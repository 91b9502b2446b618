import type { JwsSigner } from '../keys/jws.ts';
import type { KeyStore } from '../keys/key-store.ts';
import type { App } from '../storage/types.ts';

/** The event that makes a JWT a logout token. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** A logout token is for now: receivers should refuse one older than a couple of minutes. */
export const LOGOUT_TOKEN_TTL_S = 120;

/**
 * Mints logout tokens (OIDC Back-Channel Logout 1.0 section 2.4): typ `logout+jwt`, signed with
 * the app's algorithm like its ID tokens, `aud` its client_id, `jti` the delivery's id (the
 * same on every retry, so the receiver can drop duplicates), `sub` and `sid`, the event, and no
 * `nonce`. Signed at each attempt, so a retry hours later still carries a fresh `iat`.
 *
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#LogoutToken
 */
export class LogoutTokenIssuer {
  constructor(
    private readonly keys: Pick<KeyStore, 'signingKey'>,
    private readonly signer: JwsSigner,
    private readonly issuer: string,
  ) {}

  issue(app: Pick<App, 'clientId' | 'signingAlg'>, logout: { jti: string; sub: string; sid: string }) {
    const iat = Math.floor(Date.now() / 1000);
    return this.signer.sign(this.keys.signingKey(app.signingAlg), 'logout+jwt', {
      iss: this.issuer,
      aud: app.clientId,
      iat,
      exp: iat + LOGOUT_TOKEN_TTL_S,
      jti: logout.jti,
      sub: logout.sub,
      sid: logout.sid,
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    });
  }
}
