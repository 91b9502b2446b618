import { sha256 } from '../../util/hash.ts';
import { DEVICE_CODE_GRANT } from '../device-codes.ts';
import { AccessDenied, AuthorizationPending, ExpiredToken, InvalidGrant, SlowDown } from '../errors.ts';
import { redeemApprovedCode } from './code-redemption.ts';
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
    const { codes } = ctx;
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
    // A device is not part of the browser session that approved it: its id_token names none.
    return redeemApprovedCode(ctx, req, app, code, {
      noun: 'device code',
      nonce: null,
      withSid: false,
      narrowed,
      now,
    });
  },
};
