import type { FoundRefreshToken } from '../../storage/storage.ts';
import { sha256 } from '../../util/hash.ts';
import { newSecret } from '../../util/secrets.ts';
import { refreshTokenReuseDetected } from '../../webhooks/events.ts';
import { InvalidDpopProof, InvalidGrant, InvalidScope } from '../errors.ts';
import type { Narrowed } from '../resources.ts';
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
    const requested = req.params.get('scope');
    const asked = requested === undefined ? undefined : parseScope(requested);
    const resources = req.params.all('resource');
    // The checks of the token itself, run by the rotation on what it read, before it touches
    // anything: a refusal leaves the token as it was.
    let refusal: unknown;
    let scopes: readonly string[] = [];
    let target: Narrowed | undefined;
    const accept = ({ token, family }: FoundRefreshToken): boolean => {
      try {
        // Bound at the code exchange (public clients): only the holder of that key may use it.
        const boundTo = family.dpopJkt;
        if (boundTo !== null && req.dpopJkt === undefined)
          throw new InvalidDpopProof(
            'this refresh token is bound to a DPoP key: send a DPoP proof made with it',
          );
        if (boundTo !== null && req.dpopJkt !== boundTo)
          throw new InvalidGrant('the refresh token is bound to another DPoP key than the proof');
        if (asked !== undefined && !covers(token.scopes, asked))
          throw new InvalidScope(
            `scope ${missingScopes(token.scopes, asked)
              .map((s) => `"${s}"`)
              .join(', ')} was not granted to this refresh token`,
          );
        scopes = asked !== undefined && asked.length > 0 ? asked : token.scopes;
        // The refresh token keeps its scopes; only this access token is narrowed to the resource.
        target = ctx.resources.narrow(resources, scopes, app.scopes);
        return true;
      } catch (err) {
        refusal = err;
        return false;
      }
    };
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
        accept,
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
        throw refusal;
      case 'grant-revoked':
        throw new InvalidGrant('the grant behind this refresh token was revoked');
      case 'reused':
        ctx.metrics?.refreshReuseDetected();
        throw new InvalidGrant('the refresh token was already used; its token family is revoked');
      default:
        throw new InvalidGrant('the refresh token is invalid, expired or revoked');
    }
    return issueFamilyTokens(ctx, {
      app,
      family: rotated.family,
      scopes: target?.scopes ?? scopes,
      accessToken,
      refreshToken: next,
      dpopJkt: req.dpopJkt,
      audience: target?.audience,
    });
  },
};
