import type { TokenFamily } from '../../storage/authorization-types.ts';
import type { AppWithSecrets } from '../../storage/types.ts';
import { sha256 } from '../../util/hash.ts';
import { newSecret } from '../../util/secrets.ts';
import type { OAuthContext, TokenResponse } from '../context.ts';
import { ServerError } from '../errors.ts';
import { formatScope } from '../scopes/index.ts';

export function delegation(ctx: OAuthContext) {
  if (!ctx.delegation) throw new ServerError('user-delegated grants are not configured on this server');
  return ctx.delegation;
}

/** Idle expiry of a new refresh token: the app's idle lifetime, capped by the family's end. */
export function refreshExpiry(app: AppWithSecrets, family: TokenFamily, now: number): Date {
  return new Date(Math.min(now + app.refreshIdleTtl * 1000, family.expiresAt.getTime()));
}

/**
 * The access token (and refresh token, for apps that have the refresh_token grant) of one
 * token family. The access token's jti is recorded with the family so that a code replay or
 * refresh-token reuse can revoke it.
 */
export async function issueFamilyTokens(
  ctx: OAuthContext,
  opts: {
    app: AppWithSecrets;
    family: TokenFamily;
    scopes: readonly string[];
    /** The successor refresh token when rotating (already stored), or 'new' to mint one. */
    refreshToken?: string | 'new';
  },
): Promise<TokenResponse> {
  const { storage } = delegation(ctx);
  const { app, family } = opts;
  const issued = await ctx.tokens.issueAccessToken({
    app,
    subject: family.userId,
    scopes: opts.scopes,
    companyId: family.companyId,
    grantId: family.grantId,
    familyId: family.id,
  });
  await storage.recordFamilyAccessToken(family.id, issued.jti, new Date(issued.expiresAt * 1000));
  ctx.onGrantUsed?.(family.grantId);
  const response: TokenResponse = {
    access_token: issued.token,
    token_type: 'Bearer',
    expires_in: issued.expiresIn,
    scope: formatScope(opts.scopes),
  };
  if (opts.refreshToken === 'new') {
    const refresh = newSecret('refreshToken');
    await storage.createRefreshToken({
      tokenHash: sha256(refresh),
      familyId: family.id,
      scopes: [...opts.scopes],
      expiresAt: refreshExpiry(app, family, Date.now()),
    });
    response.refresh_token = refresh;
  } else if (opts.refreshToken !== undefined) {
    response.refresh_token = opts.refreshToken;
  }
  return response;
}
