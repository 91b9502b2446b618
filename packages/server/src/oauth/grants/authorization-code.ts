import { sha256 } from '../../util/hash.ts';
import { InvalidGrant, InvalidRequest } from '../errors.ts';
import { isWellFormedVerifier, verifyCodeVerifier } from '../pkce.ts';
import { issueRedeemed, planRedemption, redeemApprovedCode } from './code-redemption.ts';
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
      const redirectUri = req.params.get('redirect_uri');
      const verifier = req.params.get('code_verifier');
      const resources = req.params.all('resource');
      // The usual exchange in one storage call: the code is spent only if it is this app's,
      // unused, unexpired, its grant standing, its redirect_uri and PKCE challenge the ones
      // presented. Anything else spends nothing and goes the long way below, which reads the
      // code and says what is wrong with it (and a replay revokes what the first use issued).
      if (resources.length === 0 && (verifier === undefined || isWellFormedVerifier(verifier))) {
        const now = Date.now();
        const plan = planRedemption(app, req, now);
        const spent = await codes.consumeAuthorizationCode(codeHash, plan.family, new Date(now), plan.issue, {
          appId: app.id,
          redirectUri: redirectUri ?? null,
          codeChallenge: verifier === undefined ? null : sha256(verifier),
        });
        if (spent.status === 'consumed')
          return issueRedeemed(ctx, req, app, spent, plan, {
            noun: 'authorization code',
            nonce: spent.code.nonce,
            withSid: true,
            narrowed: undefined,
            now,
          });
      }
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
      if (code.redirectUriGiven && redirectUri === undefined)
        throw new InvalidRequest('redirect_uri is required: the authorization request included it');
      if (redirectUri !== undefined && redirectUri !== code.redirectUri)
        throw new InvalidGrant('redirect_uri does not match the one of the authorization request');
      verifyCodeVerifier(code.codeChallenge, verifier);
      // Checked before the code is spent: a refused resource leaves the code usable.
      const narrowed = ctx.resources.narrow(resources, code.scopes, app.scopes);

      return redeemApprovedCode(ctx, req, app, code, {
        noun: 'authorization code',
        nonce: code.nonce,
        withSid: true,
        narrowed,
        now: Date.now(),
      });
    },
  };
