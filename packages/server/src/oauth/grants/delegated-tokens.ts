import type { TokenFamily } from '../../storage/authorization-types.ts';
import type { AppWithSecrets } from '../../storage/types.ts';
import { newAccessTokenId } from '../../tokens/token-issuer.ts';
import type { TokenResponse } from '../context.ts';
import { ServerError } from '../errors.ts';
import { formatScope } from '../scopes/index.ts';
import type { GrantContext } from './grant-context.ts';

/** Idle expiry of a new refresh token: the app's idle lifetime, capped by the family's end. */
export function refreshExpiry(
  app: AppWithSecrets,
  family: Pick<TokenFamily, 'expiresAt'>,
  now: number,
): Date {
  return new Date(Math.min(now + app.refreshIdleTtl * 1000, family.expiresAt.getTime()));
}

export interface PlannedAccessToken {
  jti: string;
  expiresAt: Date;
  /** The issue time the token will carry (ms). */
  now: number;
}

/**
 * The jti and expiry of the access token a code exchange or a rotation is about to sign. The
 * storage records them with the token family in the same transaction as the exchange, before
 * the token exists, so that a replay or a reuse can always revoke it.
 */
export function planAccessToken(app: AppWithSecrets, now: number): PlannedAccessToken {
  return {
    jti: newAccessTokenId(),
    expiresAt: new Date((Math.floor(now / 1000) + app.tokenTtl) * 1000),
    now,
  };
}

/**
 * The access token of one token family, with the jti and expiry recorded beforehand
 * (`planAccessToken`), and the refresh token already stored, if any.
 */
export async function issueFamilyTokens(
  ctx: Pick<GrantContext, 'tokens' | 'onGrantUsed'>,
  opts: {
    app: AppWithSecrets;
    family: TokenFamily;
    scopes: readonly string[];
    accessToken: PlannedAccessToken;
    refreshToken?: string;
    /** The DPoP key thumbprint the access token is bound to (RFC 9449 6). */
    dpopJkt?: string | undefined;
    /** The resource (RFC 8707) the access token is narrowed to. */
    audience?: string | undefined;
  },
): Promise<TokenResponse> {
  const { app, family, accessToken } = opts;
  const issued = await ctx.tokens.issueAccessToken({
    app,
    subject: family.userId,
    scopes: opts.scopes,
    companyId: family.companyId,
    grantId: family.grantId,
    familyId: family.id,
    jti: accessToken.jti,
    now: accessToken.now,
    ...(opts.dpopJkt !== undefined ? { dpopJkt: opts.dpopJkt } : {}),
    ...(opts.audience !== undefined ? { audience: opts.audience } : {}),
  });
  // What was recorded must be what was signed, or a revocation could miss the token.
  if (issued.jti !== accessToken.jti || issued.expiresAt * 1000 > accessToken.expiresAt.getTime())
    throw new ServerError('the access token does not match the one recorded with its family');
  ctx.onGrantUsed(family.grantId);
  const response: TokenResponse = {
    access_token: issued.token,
    token_type: opts.dpopJkt === undefined ? 'Bearer' : 'DPoP',
    expires_in: issued.expiresIn,
    scope: formatScope(opts.scopes),
  };
  if (opts.refreshToken !== undefined) response.refresh_token = opts.refreshToken;
  return response;
}
