import { sha256 } from '../../util/hash.ts';
import { newId } from '../../util/random.ts';
import { newSecret } from '../../util/secrets.ts';
import { InvalidGrant, InvalidRequest } from '../errors.ts';
import { verifyCodeVerifier } from '../pkce.ts';
import { issueFamilyTokens, planAccessToken, refreshExpiry } from './delegated-tokens.ts';
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
      const { codes, idTokens } = ctx;
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

      const grant = await codes.getActiveGrant(app.id, code.companyId);
      if (!grant || grant.id !== code.grantId)
        throw new InvalidGrant('the grant behind this code was revoked');
      const now = Date.now();
      // A public client's refresh tokens are bound to its DPoP key (RFC 9449 5): it has no secret.
      const family = {
        id: newId('fam', 24),
        expiresAt: new Date(now + app.refreshAbsoluteTtl * 1000),
        dpopJkt: app.clientType === 'public' ? (req.dpopJkt ?? null) : null,
      };
      const accessToken = planAccessToken(app, now);
      const refresh = app.grantTypes.includes('refresh_token') ? newSecret('refreshToken') : undefined;
      // The access token's jti and the refresh token are stored with the code's consumption.
      const result = await codes.consumeAuthorizationCode(codeHash, family, new Date(now), {
        accessToken,
        ...(refresh !== undefined
          ? { refreshToken: { tokenHash: sha256(refresh), expiresAt: refreshExpiry(app, family, now) } }
          : {}),
      });
      if (result.status === 'replayed') {
        if (result.code.familyId !== null) await codes.revokeRefreshFamily(result.code.familyId);
        throw new InvalidGrant('the authorization code was already used; tokens issued from it are revoked');
      }
      if (result.status !== 'consumed') throw new InvalidGrant('the authorization code is invalid');
      const response = await issueFamilyTokens(ctx, {
        app,
        family: result.family,
        scopes: narrowed?.scopes ?? code.scopes,
        accessToken,
        ...(refresh !== undefined ? { refreshToken: refresh } : {}),
        dpopJkt: req.dpopJkt,
        audience: narrowed?.audience,
      });
      if (code.scopes.includes('openid')) {
        const user = await codes.getUser(code.userId);
        if (!user) throw new InvalidGrant('the user of this code no longer exists');
        response.id_token = await idTokens.issue({
          app,
          user,
          scopes: code.scopes,
          nonce: code.nonce,
          authTime: code.authTime,
          companyId: code.companyId,
          sid: code.sid ?? null,
          accessToken: response.access_token,
        });
      }
      return response;
    },
  };
