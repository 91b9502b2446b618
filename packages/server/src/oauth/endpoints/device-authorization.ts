import type { Storage } from '../../storage/storage.ts';
import { sha256 } from '../../util/hash.ts';
import { newId } from '../../util/random.ts';
import { newSecret } from '../../util/secrets.ts';
import { authenticateClient } from '../client-auth/index.ts';
import type { OAuthContext, TokenEndpointRequest } from '../context.ts';
import { DEVICE_CODE_GRANT, newUserCode, normaliseUserCode, userCodeHash } from '../device-codes.ts';
import { InvalidScope, UnauthorizedClient } from '../errors.ts';
import { missingScopes, parseScope } from '../scopes/index.ts';
import { OIDC_SCOPES } from './authorize.ts';

export { DEVICE_CODE_GRANT };

/** RFC 8628 3.2 success response. */
export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

export interface DeviceAuthorizationSettings {
  /** Where people enter the code: `${issuer}/device`. */
  verificationUri: string;
  /** How long the codes live (default 600 s). */
  lifetimeSeconds: number;
  /** The polling interval a device starts with (default 5 s). */
  intervalSeconds: number;
}

export const DEFAULT_DEVICE_SETTINGS = { lifetimeSeconds: 600, intervalSeconds: 5 } as const;

/**
 * POST /oauth2/device_authorization: the client authenticates as at the token endpoint
 * (public clients by `client_id` alone), must be allowed the device_code grant, and gets a
 * device code to poll with and a user code for the person. Both are stored as hashes only.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export class DeviceAuthorizationEndpoint {
  constructor(
    private readonly store: Pick<Storage, 'createDeviceAuthorization'>,
    private readonly settings: DeviceAuthorizationSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async handle(req: TokenEndpointRequest, ctx: OAuthContext): Promise<DeviceAuthorizationResponse> {
    const { app } = await authenticateClient(req, ctx);
    if (!app.grantTypes.includes(DEVICE_CODE_GRANT))
      throw new UnauthorizedClient(`this app is not allowed to use the ${DEVICE_CODE_GRANT} grant`);
    if (app.grantDelivery === 'company_grant')
      throw new UnauthorizedClient('an app that receives company grants cannot use the device grant');
    const raw = req.params.get('scope');
    let scopes = raw === undefined || raw.trim() === '*' ? [...app.scopes] : parseScope(raw);
    const missing = missingScopes([...app.scopes, ...OIDC_SCOPES], scopes);
    if (missing.length > 0)
      throw new InvalidScope(`scope ${missing.map((s) => `"${s}"`).join(', ')} is not available to this app`);
    if (scopes.length === 0) scopes = [...app.scopes];
    const deviceCode = newSecret('deviceCode');
    const { lifetimeSeconds, intervalSeconds } = this.settings;
    // A user code already pending elsewhere (a 1 in 2^34 chance) is drawn again.
    for (let attempt = 0; ; attempt++) {
      const userCode = newUserCode();
      try {
        await this.store.createDeviceAuthorization({
          id: newId('dev', 24),
          deviceCodeHash: sha256(deviceCode),
          userCodeHash: userCodeHash(normaliseUserCode(userCode) as string),
          appId: app.id,
          clientId: app.clientId,
          scopes,
          intervalSeconds,
          expiresAt: new Date(this.now() + lifetimeSeconds * 1000),
        });
      } catch (err) {
        if (attempt < 2) continue;
        throw err;
      }
      const complete = `${this.settings.verificationUri}?user_code=${encodeURIComponent(userCode)}`;
      return {
        device_code: deviceCode,
        user_code: userCode,
        verification_uri: this.settings.verificationUri,
        verification_uri_complete: complete,
        expires_in: lifetimeSeconds,
        interval: intervalSeconds,
      };
    }
  }
}
