import { sha256 } from '../../util/hash.ts';
import { newId } from '../../util/random.ts';
import { newSecret } from '../../util/secrets.ts';
import { DEVICE_CODE_GRANT } from '../device-codes.ts';
import { AccessDenied, AuthorizationPending, ExpiredToken, InvalidGrant, SlowDown } from '../errors.ts';
import { issueFamilyTokens, planAccessToken, refreshExpiry } from './delegated-tokens.ts';
import type { GrantHandler } from './grant-handler.ts';

/** RFC 8628 3.5: each `slow_down` adds 5 seconds to the interval, for this and every later poll. */
export const SLOW_DOWN_STEP_SECONDS = 5;

/**
 * The device's poll (RFC 8628 3.4, 3.5): `authorization_pending` until the person decides on
 * the verification page, `slow_down` (and a longer interval, stored) when it polls too soon,
 * `access_denied`, `expired_token`, and once approved the tokens, exactly once: approval left
 * an authorization code whose raw value nobody holds, and the poll redeems it with the
 * authorization-code grant's single-use storage call. A second redemption is `invalid_grant`
 * and revokes what the first issued, as a replayed code does.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 */
export const deviceCode: GrantHandler<
  'codes' | 'devices' | 'idTokens' | 'tokens' | 'onGrantUsed' | 'resources' | 'now'
> = {
  grantType: DEVICE_CODE_GRANT,

  async handle(req, { app }, ctx) {
    const { codes, idTokens } = ctx;
    const raw = req.params.require('device_code');
    if (raw.length > 200) throw new InvalidGrant('the device code is invalid');
    const now = ctx.now();
    const polled = await ctx.devices.recordDevicePoll(sha256(raw), SLOW_DOWN_STEP_SECONDS, new Date(now));
    if (!polled || polled.authorization.appId !== app.id)
      throw new InvalidGrant('the device code is invalid or was issued to another client');
    const device = polled.authorization;
    if (device.status === 'denied') throw new AccessDenied('the user denied the device access');
    if (device.expiresAt.getTime() <= now) throw new ExpiredToken('the device code has expired');
    const code = device.codeHash === null ? undefined : await codes.getAuthorizationCode(device.codeHash);
    if (device.status === 'pending' || !code) {
      if (polled.slowDown)
        throw new SlowDown(`polled too often: wait at least ${device.intervalSeconds} seconds between polls`);
      throw new AuthorizationPending('the user has not yet approved the device');
    }
    if (code.consumedAt !== null) {
      if (code.familyId !== null) await codes.revokeRefreshFamily(code.familyId);
      throw new InvalidGrant('the device code was already used; tokens issued from it are revoked');
    }
    const narrowed = ctx.resources.narrow(req.params.all('resource'), code.scopes, app.scopes);
    const grant = await codes.getActiveGrant(app.id, code.companyId);
    if (!grant || grant.id !== code.grantId)
      throw new InvalidGrant('the grant behind this device code was revoked');
    const family = {
      id: newId('fam', 24),
      expiresAt: new Date(now + app.refreshAbsoluteTtl * 1000),
      dpopJkt: app.clientType === 'public' ? (req.dpopJkt ?? null) : null,
    };
    const accessToken = planAccessToken(app, now);
    const refresh = app.grantTypes.includes('refresh_token') ? newSecret('refreshToken') : undefined;
    const result = await codes.consumeAuthorizationCode(code.codeHash, family, new Date(now), {
      accessToken,
      ...(refresh !== undefined
        ? { refreshToken: { tokenHash: sha256(refresh), expiresAt: refreshExpiry(app, family, now) } }
        : {}),
    });
    if (result.status === 'replayed') {
      if (result.code.familyId !== null) await codes.revokeRefreshFamily(result.code.familyId);
      throw new InvalidGrant('the device code was already used; tokens issued from it are revoked');
    }
    if (result.status !== 'consumed') throw new InvalidGrant('the device code is invalid');
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
      if (!user) throw new InvalidGrant('the user who approved this device no longer exists');
      response.id_token = await idTokens.issue({
        app,
        user,
        scopes: code.scopes,
        nonce: null,
        authTime: code.authTime,
        companyId: code.companyId,
      });
    }
    return response;
  },
};
