import { SCOPES_FIXED } from '../apps/app-edit.ts';
import { type AppPatch, AppService } from '../apps/app-service.ts';
import type { AppInput } from '../apps/validation.ts';
import type { AccessPolicy } from '../companies/access-policy.ts';
import { ValidationError } from '../errors.ts';
import type { RegistrationStore } from '../storage/storage.ts';
import type { App, InitialAccessToken } from '../storage/types.ts';
import { sha256 } from '../util/hash.ts';
import { newSecret, SecretPrefix } from '../util/secrets.ts';
import {
  clientInformation,
  DEFAULT_CLIENT_NAME,
  parseClientMetadata,
  requestedScopes,
  responseTypes,
} from './client-metadata.ts';
import { InvalidClientMetadata, InvalidRedirectUri, RegistrationTokenInvalid } from './errors.ts';
import type { InitialAccessTokenService } from './initial-access-token-service.ts';
import { matchesRedirectPattern } from './redirect-patterns.ts';

/** The path of the client configuration endpoint (RFC 7592), under the issuer. */
export const REGISTRATION_PATH = '/oauth2/register';

const snake = (f: string) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const WIRE_FIELD: Record<string, string> = {
  name: 'client_name',
  logoUrl: 'logo_uri',
  scopes: 'scope',
};

/**
 * App rules' refusals as RFC 7591 errors: a redirect URI's is `invalid_redirect_uri`, any
 * other field's `invalid_client_metadata`, naming the metadata field.
 */
function asRegistrationError(err: unknown): unknown {
  if (!(err instanceof ValidationError)) return err;
  const entries = Object.entries(err.fields);
  const redirect = err.fields.redirectUris;
  if (redirect !== undefined) return new InvalidRedirectUri(`redirect_uris: ${redirect}`);
  if (entries.length === 0) return new InvalidClientMetadata(err.message);
  return new InvalidClientMetadata(entries.map(([f, m]) => `${WIRE_FIELD[f] ?? snake(f)}: ${m}`).join('; '));
}

/** Whether the code or implicit grant is asked for: each sends a browser to a redirect URI. */
const redirects = (grantTypes: readonly string[]) =>
  grantTypes.includes('authorization_code') || grantTypes.includes('implicit');

/**
 * Dynamic client registration (RFC 7591) and the client configuration endpoint (RFC 7592).
 * Registration maps the metadata onto the same AppService.create as the console, the API and
 * the CLI, so every app rule applies; on top of that, the initial access token's limits.
 * Registered apps are `internal` apps of the token's company (like an app created by hand).
 * The registration access token is kept as its SHA-256 only, so a read or an update answers
 * with a new one (RFC 7592 section 3 requires one in every answer) and the old one stops.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591
 * @see https://www.rfc-editor.org/rfc/rfc7592
 */
export class RegistrationService {
  constructor(
    private readonly storage: RegistrationStore,
    private readonly apps: AppService,
    private readonly tokens: InitialAccessTokenService,
    private readonly issuer: string,
    /** Plan gating: a company whose plan does not allow creating apps registers none either. */
    private readonly access?: AccessPolicy,
  ) {}

  private clientUri(app: App): string {
    return `${this.issuer}${REGISTRATION_PATH}/${app.clientId}`;
  }

  /** The token's limits on what is asked; throws the RFC 7591 error for the first one broken. */
  private checkLimits(
    iat: InitialAccessToken,
    want: { grantTypes: string[]; scopes: string[]; redirectUris: string[] },
  ): void {
    const grant = want.grantTypes.find((g) => iat.allowedGrantTypes && !iat.allowedGrantTypes.includes(g));
    if (grant !== undefined)
      throw new InvalidClientMetadata(
        `grant_types: "${grant.slice(0, 100)}" is not allowed by the initial access token (allowed: ${iat.allowedGrantTypes?.join(', ')})`,
      );
    const scope = want.scopes.find((s) => iat.allowedScopes && !iat.allowedScopes.includes(s));
    if (scope !== undefined)
      throw new InvalidClientMetadata(
        `scope: "${scope.slice(0, 100)}" is not allowed by the initial access token (allowed: ${iat.allowedScopes?.join(' ')})`,
      );
    const patterns = iat.redirectUriPatterns;
    const uri = patterns ? want.redirectUris.find((u) => !matchesRedirectPattern(u, patterns)) : undefined;
    if (uri !== undefined)
      throw new InvalidRedirectUri(
        `redirect_uris: "${uri.slice(0, 200)}" matches none of the initial access token's patterns (${patterns?.join(', ')})`,
      );
  }

  /** POST /oauth2/register: 201's body, with the client secret and registration access token once. */
  async register(initialAccessToken: string | undefined, body: unknown): Promise<Record<string, unknown>> {
    const iat = await this.tokens.authenticate(initialAccessToken);
    await this.access?.requirePlan(iat.companyId, 'createApps');
    const m = parseClientMetadata(body);
    const grantTypes = [...new Set(m.grant_types ?? ['authorization_code'])];
    responseTypes(m, grantTypes);
    const scopes = requestedScopes(m) ?? iat.allowedScopes;
    if (!scopes || scopes.length === 0)
      throw new InvalidClientMetadata('scope: give the scopes the app needs (space-separated)');
    const redirectUris = m.redirect_uris ?? [];
    if (redirects(grantTypes) && redirectUris.length === 0)
      throw new InvalidRedirectUri(
        'redirect_uris: the authorization_code and implicit grants need at least one',
      );
    this.checkLimits(iat, { grantTypes, scopes, redirectUris });
    const method = m.token_endpoint_auth_method ?? 'client_secret_basic';
    const input: AppInput = {
      companyId: iat.companyId,
      name: m.client_name ?? DEFAULT_CLIENT_NAME,
      logoUrl: m.logo_uri ?? null,
      type: 'internal',
      clientType: method === 'none' ? 'public' : 'confidential',
      grantTypes,
      scopes,
      redirectUris,
      tokenEndpointAuthMethod: method,
      jwks: m.jwks ?? null,
      jwksUri: m.jwks_uri ?? null,
      requirePushedAuthorizationRequests: m.require_pushed_authorization_requests ?? false,
      dpopBoundAccessTokens: m.dpop_bound_access_tokens ?? false,
    };
    // Claimed before the app is made, so that two registrations racing for the last use of a
    // token cannot both get one; given back when the app rules then refuse the metadata.
    if (!(await this.storage.claimInitialAccessTokenUse(iat.id)))
      throw new RegistrationTokenInvalid('the initial access token is expired, revoked or used up');
    const registrationAccessToken = newSecret('registrationAccessToken');
    let created: Awaited<ReturnType<AppService['create']>>;
    try {
      created = await this.apps.create(input, `initial_access_token:${iat.id}`, {
        initialAccessTokenId: iat.id,
        registrationTokenHash: sha256(registrationAccessToken),
      });
    } catch (err) {
      await this.storage.releaseInitialAccessTokenUse(iat.id);
      throw asRegistrationError(err);
    }
    return clientInformation(created.app, {
      clientSecret: created.clientSecret,
      registrationAccessToken,
      registrationClientUri: this.clientUri(created.app),
    });
  }

  /**
   * The app a registration access token manages, when `clientId` is that app's. Every miss is
   * the same 401 (RFC 7592 2: no hint whether the client exists).
   */
  private async authenticate(presented: string | undefined, clientId: string): Promise<App> {
    const app =
      presented?.startsWith(SecretPrefix.registrationAccessToken) && presented.length <= 100
        ? await this.storage.findAppByRegistrationToken(sha256(presented))
        : undefined;
    if (!app || app.clientId !== clientId)
      throw new RegistrationTokenInvalid('the registration access token is not valid for this client');
    return app;
  }

  /** A new registration access token for the answer; the presented one stops working. */
  private async rotate(app: App, presented: string): Promise<string> {
    const next = newSecret('registrationAccessToken');
    if (!(await this.storage.rotateRegistrationToken(app.id, sha256(presented), sha256(next))))
      throw new RegistrationTokenInvalid('the registration access token is not valid for this client');
    return next;
  }

  /** GET /oauth2/register/:client_id (RFC 7592 2.1). */
  async read(presented: string | undefined, clientId: string): Promise<Record<string, unknown>> {
    const app = await this.authenticate(presented, clientId);
    const token = await this.rotate(app, presented as string);
    return clientInformation(app, {
      registrationAccessToken: token,
      registrationClientUri: this.clientUri(app),
    });
  }

  /**
   * PUT /oauth2/register/:client_id (RFC 7592 2.2): the metadata sent replaces the registered
   * metadata, through AppService.update (the edit rules of the console and the API). Scopes and
   * grant types were fixed at registration: omitted, they stay; different, they are refused
   * (`invalid_client_metadata`). An omitted `token_endpoint_auth_method` stays as it is.
   */
  async update(
    presented: string | undefined,
    clientId: string,
    body: unknown,
  ): Promise<Record<string, unknown>> {
    const app = await this.authenticate(presented, clientId);
    const m = parseClientMetadata(body, { update: true });
    if (m.client_id !== clientId)
      throw new InvalidClientMetadata('client_id: an update must name the client it updates (RFC 7592 2.2)');
    if (m.client_secret !== undefined) {
      const full = await this.apps.get(app.companyId, app.id);
      if (!AppService.secretMatches(full, m.client_secret))
        throw new InvalidClientMetadata('client_secret: does not match the client’s current secret');
    }
    const scopes = requestedScopes(m);
    if (
      scopes !== undefined &&
      (scopes.length !== app.scopes.length || scopes.some((s) => !app.scopes.includes(s)))
    )
      throw new InvalidClientMetadata(`scope: ${SCOPES_FIXED}`);
    const grantTypes = m.grant_types ? [...new Set(m.grant_types)] : app.grantTypes;
    if (grantTypes.length !== app.grantTypes.length || grantTypes.some((g) => !app.grantTypes.includes(g)))
      throw new InvalidClientMetadata(
        'grant_types: fixed at registration and cannot change; register a new client for other grant types',
      );
    responseTypes(m, grantTypes);
    const redirectUris = m.redirect_uris ?? [];
    if (redirects(grantTypes) && redirectUris.length === 0)
      throw new InvalidRedirectUri(
        'redirect_uris: the authorization_code and implicit grants need at least one',
      );
    const iat = app.initialAccessTokenId
      ? await this.storage.getInitialAccessTokenById(app.initialAccessTokenId)
      : undefined;
    if (iat) this.checkLimits(iat, { grantTypes, scopes: app.scopes, redirectUris });
    const patch: AppPatch = {
      name: m.client_name ?? DEFAULT_CLIENT_NAME,
      logoUrl: m.logo_uri ?? null,
      redirectUris,
      jwks: m.jwks ?? null,
      jwksUri: m.jwks_uri ?? null,
      requirePushedAuthorizationRequests: m.require_pushed_authorization_requests ?? false,
      dpopBoundAccessTokens: m.dpop_bound_access_tokens ?? false,
      ...(m.token_endpoint_auth_method ? { tokenEndpointAuthMethod: m.token_endpoint_auth_method } : {}),
    };
    let updated: App;
    try {
      updated = await this.apps.update(app.companyId, app.id, patch, `registration:${app.clientId}`);
    } catch (err) {
      throw asRegistrationError(err);
    }
    const token = await this.rotate(app, presented as string);
    return clientInformation(updated, {
      registrationAccessToken: token,
      registrationClientUri: this.clientUri(updated),
    });
  }

  /** DELETE /oauth2/register/:client_id (RFC 7592 2.3): deletes the app as the console does. */
  async delete(presented: string | undefined, clientId: string): Promise<void> {
    const app = await this.authenticate(presented, clientId);
    await this.apps.delete(app.companyId, app.id, `registration:${app.clientId}`);
  }
}
