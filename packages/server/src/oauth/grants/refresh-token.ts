import { sha256 } from '../../util/hash.ts';
import { newSecret } from '../../util/secrets.ts';
import { refreshTokenReuseDetected } from '../../webhooks/events.ts';
import { InvalidGrant, InvalidScope } from '../errors.ts';
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
  'refreshTokens' | 'refreshReuseWindowSeconds' | 'now' | 'tokens' | 'onGrantUsed' | 'metrics'
> = {
  grantType: 'refresh_token',

  async handle(req, { app }, ctx) {
    const { refreshTokens, refreshReuseWindowSeconds } = ctx;
    const raw = req.params.require('refresh_token');
    if (raw.length > 200) throw new InvalidGrant('the refresh token is invalid');
    const requested = req.params.get('scope');
    const narrowed = requested === undefined ? undefined : parseScope(requested);
    const next = newSecret('refreshToken');
    const now = ctx.now();
    const accessToken = planAccessToken(app, now);
    // One transaction does it all: read the token with its family and grant, check them, rotate.
    const rotated = await refreshTokens.rotateRefreshToken(
      sha256(raw),
      { tokenHash: sha256(next), expiresAt: (family) => refreshExpiry(app, family, now) },
      new Date(now),
      {
        appId: app.id,
        ...(narrowed === undefined ? {} : { accept: ({ token }) => covers(token.scopes, narrowed) }),
        requireActiveGrant: true,
        eventsOnReuse: ({ family, grant }) => [
          refreshTokenReuseDetected(app, {
            grantGuid: grant?.guid ?? null,
            companyId: family.companyId,
            familyId: family.id,
          }),
        ],
        accessToken,
        reuseWindowMs: (app.refreshReuseWindow ?? refreshReuseWindowSeconds) * 1000,
      },
    );
    switch (rotated.status) {
      case 'rotated':
      case 'retried':
        break;
      case 'foreign':
        // Another client's token is refused without touching it: rotating it would log its owner out.
        throw new InvalidGrant('the refresh token was issued to another client');
      case 'refused':
        throw new InvalidScope(
          `scope ${missingScopes(rotated.token.scopes, narrowed ?? [])
            .map((s) => `"${s}"`)
            .join(', ')} was not granted to this refresh token`,
        );
      case 'grant-revoked':
        throw new InvalidGrant('the grant behind this refresh token was revoked');
      case 'reused':
        ctx.metrics?.refreshReuseDetected();
        throw new InvalidGrant('the refresh token was already used; its token family is revoked');
      default:
        throw new InvalidGrant('the refresh token is invalid, expired or revoked');
    }
    const scopes = narrowed !== undefined && narrowed.length > 0 ? narrowed : rotated.previous.scopes;
    return issueFamilyTokens(ctx, { app, family: rotated.family, scopes, accessToken, refreshToken: next });
  },
};
