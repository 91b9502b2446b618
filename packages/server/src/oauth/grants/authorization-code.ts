import { sha256 } from '../../util/hash.ts';
import { InvalidGrant, InvalidRequest } from '../errors.ts';
import { verifyCodeVerifier } from '../pkce.ts';
import { redeemApprovedCode } from './code-redemption.ts';
import type { GrantHandler } from './grant-handler.ts';

/**
 * Exchanges an authorization code. The code is single-use and bound to the client, the
 * redirect URI, the PKCE challenge, the user, the company and the scopes. A second use fails
 * and revokes every token issued from the first (RFC 6749 4.1.2, RFC 9700 4.5).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.6
 */
export const authorizationCode: GrantHandler<'codes' | 'idTokens' | 'tokens' | 'onGrantUsed' | 'resources'> =
  {
    grantType: 'authorization_code',

    async handle(req, { app }, ctx) {
      const { codes } = ctx;
      const raw = req.params.require('code');
      if (raw.length > 200) throw new InvalidGrant('the authorization code is invalid');
      const codeHash = sha256(raw);
      const code = await codes.getAuthorizationCode(codeHash);
      if (!code) throw new InvalidGrant('the authorization code is invalid, expired or already used');
      if (code.consumedAt !== null) {
        if (code.familyId !== null) await codes.revokeRefreshFamily(code.familyId);
        throw new InvalidGrant('the authorization code was already used; tokens issued from it are revoked');
      }
      if (code.appId !== app.id)
        throw new InvalidGrant('the authorization code was issued to another client');
      if (code.expiresAt.getTime() <= Date.now())
        throw new InvalidGrant('the authorization code has expired');
      const redirectUri = req.params.get('redirect_uri');
      if (code.redirectUriGiven && redirectUri === undefined)
        throw new InvalidRequest('redirect_uri is required: the authorization request included it');
      if (redirectUri !== undefined && redirectUri !== code.redirectUri)
        throw new InvalidGrant('redirect_uri does not match the one of the authorization request');
      verifyCodeVerifier(code.codeChallenge, req.params.get('code_verifier'));
      // Checked before the code is spent: a refused resource leaves the code usable.
      const narrowed = ctx.resources.narrow(req.params.all('resource'), code.scopes, app.scopes);

      return redeemApprovedCode(ctx, req, app, code, {
        noun: 'authorization code',
        nonce: code.nonce,
        withSid: true,
        narrowed,
        now: Date.now(),
      });
    },
  };
