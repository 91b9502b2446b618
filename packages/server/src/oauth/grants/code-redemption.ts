import type { AuthorizationCode, FamilyIssue, TokenFamily } from '../../storage/authorization-types.ts';
import type { AppWithSecrets } from '../../storage/types.ts';
import { sha256 } from '../../util/hash.ts';
import { newId } from '../../util/random.ts';
import { newSecret } from '../../util/secrets.ts';
import type { TokenEndpointRequest, TokenResponse } from '../context.ts';
import { InvalidGrant } from '../errors.ts';
import type { ResourceIndicators } from '../resources.ts';
import { issueFamilyTokens, planAccessToken, refreshExpiry } from './delegated-tokens.ts';
import type { GrantContext } from './grant-context.ts';

/** What differs between the grants that redeem an approved code. */
export interface Redemption {
  /** The code as the client knows it, for the error messages: "authorization code", "device code". */
  noun: string;
  /** The id_token's `nonce` (the authorization request's; none for a device). */
  nonce: string | null;
  /** Whether the id_token names the browser session (`sid`): not for a device, which is not in it. */
  withSid: boolean;
  /** The `resource` narrowing, checked by the caller before anything was spent. */
  narrowed: ReturnType<ResourceIndicators['narrow']>;
  now: number;
}

/**
 * Redeems an approved, unexpired authorization code of `app`, once: the grant behind it must
 * still stand (checked by the consumption itself, so a revocation cannot slip in between);
 * the code is consumed in the same storage call that records the token family,
 * the access token's jti and the refresh token, so a second redemption (a replay, or two at
 * once) finds it consumed, revokes what the first issued and is `invalid_grant`. Then the
 * tokens, and an id_token when `openid` was granted. The authorization-code and device-code
 * grants both end here.
 */
export async function redeemApprovedCode(
  ctx: Pick<GrantContext, 'codes' | 'idTokens' | 'tokens' | 'onGrantUsed'>,
  req: TokenEndpointRequest,
  app: AppWithSecrets,
  code: AuthorizationCode,
  r: Redemption,
): Promise<TokenResponse> {
  const { codes } = ctx;
  const plan = planRedemption(app, req, r.now);
  const result = await codes.consumeAuthorizationCode(
    code.codeHash,
    plan.family,
    new Date(r.now),
    plan.issue,
  );
  if (result.status === 'replayed') {
    if (result.code.familyId !== null) await codes.revokeRefreshFamily(result.code.familyId);
    throw new InvalidGrant(`the ${r.noun} was already used; tokens issued from it are revoked`);
  }
  if (result.status === 'grant-revoked')
    throw new InvalidGrant(`the grant behind this ${r.noun} was revoked`);
  if (result.status !== 'consumed') throw new InvalidGrant(`the ${r.noun} is invalid`);
  return issueRedeemed(ctx, req, app, result, plan, r);
}

/** What a code's redemption stores with its consumption, made before it. */
export interface RedemptionPlan {
  family: { id: string; expiresAt: Date; dpopJkt: string | null };
  accessToken: ReturnType<typeof planAccessToken>;
  /** The refresh token to hand out, when the app may refresh. */
  refresh: string | undefined;
  /** The access token's jti and the refresh token's hash, stored with the code's consumption. */
  issue: FamilyIssue;
}

export function planRedemption(app: AppWithSecrets, req: TokenEndpointRequest, now: number): RedemptionPlan {
  // A public client's refresh tokens are bound to its DPoP key (RFC 9449 5): it has no secret.
  const family = {
    id: newId('fam', 24),
    expiresAt: new Date(now + app.refreshAbsoluteTtl * 1000),
    dpopJkt: app.clientType === 'public' ? (req.dpopJkt ?? null) : null,
  };
  const accessToken = planAccessToken(app, now);
  const refresh = app.grantTypes.includes('refresh_token') ? newSecret('refreshToken') : undefined;
  const issue: FamilyIssue = {
    accessToken,
    ...(refresh !== undefined
      ? { refreshToken: { tokenHash: sha256(refresh), expiresAt: refreshExpiry(app, family, now) } }
      : {}),
  };
  return { family, accessToken, refresh, issue };
}

/** The tokens of a consumed code (and an id_token when `openid` was granted). */
export async function issueRedeemed(
  ctx: Pick<GrantContext, 'codes' | 'idTokens' | 'tokens' | 'onGrantUsed'>,
  req: TokenEndpointRequest,
  app: AppWithSecrets,
  consumed: { code: AuthorizationCode; family: TokenFamily },
  plan: RedemptionPlan,
  r: Redemption,
): Promise<TokenResponse> {
  const { codes, idTokens } = ctx;
  const { code } = consumed;
  const { accessToken, refresh } = plan;
  const response = await issueFamilyTokens(ctx, {
    app,
    family: consumed.family,
    scopes: r.narrowed?.scopes ?? code.scopes,
    accessToken,
    ...(refresh !== undefined ? { refreshToken: refresh } : {}),
    dpopJkt: req.dpopJkt,
    audience: r.narrowed?.audience,
  });
  if (code.scopes.includes('openid')) {
    const user = await codes.getUser(code.userId);
    if (!user) throw new InvalidGrant(`the user of this ${r.noun} no longer exists`);
    response.id_token = await idTokens.issue({
      app,
      user,
      scopes: code.scopes,
      nonce: r.nonce,
      authTime: code.authTime,
      companyId: code.companyId,
      sid: r.withSid ? (code.sid ?? null) : null,
      accessToken: response.access_token,
    });
  }
  return response;
}
