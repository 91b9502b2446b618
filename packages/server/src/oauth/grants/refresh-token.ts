import { sha256 } from '../../util/hash.ts';
import { newSecret } from '../../util/secrets.ts';
import { refreshTokenReuseDetected } from '../../webhooks/events.ts';
import { InvalidDpopProof, InvalidGrant, InvalidScope } from '../errors.ts';
import { covers, missingScopes, parseScope } from '../scopes/index.ts';
import { issueFamilyTokens, planAccessToken, refreshExpiry } from './delegated-tokens.ts';
import type { GrantHandler } from './grant-handler.ts';

/**
 * Refresh with rotation: every use returns a new refresh token and retires the old one.
 * Presenting a retired token means two parties hold the family, so the whole family and
 * the access tokens it issued are revoked. `scope` may narrow, never widen.
 *
 * One exception, the reuse window (the app's `refreshReuseWindow`, else the server's):
 * the token rotated last, presented again within the window while its successor is unused,
 * is a retry (a lost answer, two tabs at once). It gets a fresh pair whose refresh token
 * replaces that successor, so the family keeps one current refresh token (docs/tokens.md).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
 */
export const refreshToken: GrantHandler<
  'refreshTokens' | 'refreshReuseWindowSeconds' | 'now' | 'tokens' | 'onGrantUsed' | 'metrics' | 'resources'
> = {
  grantType: 'refresh_token',

  async handle(req, { app }, ctx) {
    const { refreshTokens, refreshReuseWindowSeconds } = ctx;
    const raw = req.params.require('refresh_token');
    if (raw.length > 200) throw new InvalidGrant('the refresh token is invalid');
    const hash = sha256(raw);
    const found = await refreshTokens.getRefreshToken(hash);
    if (!found) throw new InvalidGrant('the refresh token is invalid, expired or revoked');
    // Another client's token is refused without touching it: rotating it would log its owner out.
    if (found.family.appId !== app.id)
      throw new InvalidGrant('the refresh token was issued to another client');
    // Bound at the code exchange (public clients): only the holder of that key may use it.
    const boundTo = found.family.dpopJkt;
    if (boundTo !== null && req.dpopJkt === undefined)
      throw new InvalidDpopProof('this refresh token is bound to a DPoP key: send a DPoP proof made with it');
    if (boundTo !== null && req.dpopJkt !== boundTo)
      throw new InvalidGrant('the refresh token is bound to another DPoP key than the proof');
    let scopes = found.token.scopes;
    const requested = req.params.get('scope');
    if (requested !== undefined) {
      const narrowed = parseScope(requested);
      if (!covers(found.token.scopes, narrowed))
        throw new InvalidScope(
          `scope ${missingScopes(found.token.scopes, narrowed)
            .map((s) => `"${s}"`)
            .join(', ')} was not granted to this refresh token`,
        );
      if (narrowed.length > 0) scopes = narrowed;
    }
    // The refresh token keeps its scopes; only this access token is narrowed to the resource.
    const narrowed = ctx.resources.narrow(req.params.all('resource'), scopes, app.scopes);
    const now = ctx.now();
    const grant = await refreshTokens.getActiveGrant(app.id, found.family.companyId);
    if (!grant || grant.id !== found.family.grantId) {
      await refreshTokens.revokeRefreshFamily(found.family.id);
      throw new InvalidGrant('the grant behind this refresh token was revoked');
    }
    const next = newSecret('refreshToken');
    const accessToken = planAccessToken(app, now);
    const rotated = await refreshTokens.rotateRefreshToken(
      hash,
      { tokenHash: sha256(next), expiresAt: refreshExpiry(app, found.family, now) },
      new Date(now),
      {
        eventsOnReuse: [
          refreshTokenReuseDetected(app, {
            grantGuid: grant.guid,
            companyId: found.family.companyId,
            familyId: found.family.id,
          }),
        ],
        accessToken,
        reuseWindowMs: (app.refreshReuseWindow ?? refreshReuseWindowSeconds) * 1000,
      },
    );
    if (rotated.status === 'reused') {
      ctx.metrics?.refreshReuseDetected();
      throw new InvalidGrant('the refresh token was already used; its token family is revoked');
    }
    if (rotated.status !== 'rotated' && rotated.status !== 'retried')
      throw new InvalidGrant('the refresh token is invalid, expired or revoked');
    return issueFamilyTokens(ctx, {
      app,
      family: rotated.family,
      scopes: narrowed?.scopes ?? scopes,
      accessToken,
      refreshToken: next,
      dpopJkt: req.dpopJkt,
      audience: narrowed?.audience,
    });
  },
};
