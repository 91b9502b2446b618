import { authorizationCode } from './authorization-code.ts';
import { clientCredentials } from './client-credentials.ts';
import { deviceCode } from './device-code.ts';
import type { GrantHandler } from './grant-handler.ts';
import { refreshToken } from './refresh-token.ts';
import { tokenExchange } from './token-exchange.ts';

/**
 * Every built-in grant handler, in the order `grant_types_supported` lists them. The server
 * registers each through {@link GrantRegistry.register}, the call a custom grant uses too.
 */
export const BUILT_IN_GRANTS: readonly GrantHandler[] = [
  clientCredentials,
  authorizationCode,
  refreshToken,
  deviceCode,
  tokenExchange,
];

/**
 * Grant types served at the authorization endpoint itself: the token comes back in the
 * redirect and no token request follows (endpoints/authorize.ts, `response_type=token`).
 * An app may be allowed them, but no token-endpoint handler may take their name.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.2
 */
export const AUTHORIZATION_ENDPOINT_GRANT_TYPES: readonly string[] = ['implicit'];

/** RFC 6749 A.10 `grant-name`, or an absolute URI as extension grants use (4.5). */
const GRANT_NAME = /^[A-Za-z0-9._-]{1,100}$/;
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7e]{1,200}$/;

/**
 * The grant types this server serves: one handler per `grant_type`, looked up by the token
 * endpoint (one Map read per request), listed in metadata's `grant_types_supported`, and the
 * list an app's allowed grant types are validated against (apps/validation.ts).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.5
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export class GrantRegistry {
  private readonly handlers = new Map<string, GrantHandler>();

  /**
   * Adds a grant type at the token endpoint; built-in and custom grants alike. Throws on a
   * name that is not a grant type, on one served at the authorization endpoint, and on one
   * already registered: two handlers for one grant type is a wiring mistake, not an override.
   */
  register(handler: GrantHandler): this {
    const { grantType } = handler;
    if (typeof grantType !== 'string' || !(GRANT_NAME.test(grantType) || ABSOLUTE_URI.test(grantType)))
      throw new TypeError(
        `grant type ${JSON.stringify(grantType)} is neither an RFC 6749 grant name nor an absolute URI`,
      );
    if (AUTHORIZATION_ENDPOINT_GRANT_TYPES.includes(grantType))
      throw new Error(
        `grant type "${grantType}" is served at the authorization endpoint, not the token endpoint`,
      );
    if (this.handlers.has(grantType)) throw new Error(`grant type "${grantType}" is already registered`);
    this.handlers.set(grantType, handler);
    return this;
  }

  /** The handler of a `grant_type`, if one is registered (the token endpoint's hot path). */
  handler(grantType: string): GrantHandler | undefined {
    return this.handlers.get(grantType);
  }

  /** What the token endpoint serves, in registration order: `grant_types_supported`. */
  get tokenGrantTypes(): string[] {
    return [...this.handlers.keys()];
  }

  /** What an app may be allowed: every token-endpoint grant type, then the redirect-only ones. */
  get appGrantTypes(): string[] {
    return [...this.handlers.keys(), ...AUTHORIZATION_ENDPOINT_GRANT_TYPES];
  }
}
