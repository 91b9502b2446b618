import type { App, JwkSet } from '../storage/types.ts';
import { InvalidClientMetadata, InvalidSoftwareStatement, UnapprovedSoftwareStatement } from './errors.ts';

/**
 * RFC 7591 client metadata as Gatehouse reads it. Fields it does not understand are ignored,
 * as section 2 requires; `contacts`, `client_uri`, `policy_uri`, `tos_uri`, `software_id` and
 * `software_version` are checked for their type and not kept (docs/flows/registration.md).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-2
 */
export interface ClientMetadata {
  redirect_uris?: string[];
  token_endpoint_auth_method?: string;
  grant_types?: string[];
  response_types?: string[];
  client_name?: string;
  logo_uri?: string;
  scope?: string;
  jwks?: JwkSet;
  jwks_uri?: string;
  require_pushed_authorization_requests?: boolean;
  dpop_bound_access_tokens?: boolean;
  /** RFC 7592 2.2: an update names the client. */
  client_id?: string;
  client_secret?: string;
}

const STRING_LISTS = ['redirect_uris', 'grant_types', 'response_types', 'contacts'] as const;
const STRINGS = [
  'token_endpoint_auth_method',
  'client_name',
  'logo_uri',
  'scope',
  'jwks_uri',
  'client_uri',
  'policy_uri',
  'tos_uri',
  'software_id',
  'software_version',
  'client_id',
  'client_secret',
] as const;
const BOOLEANS = ['require_pushed_authorization_requests', 'dpop_bound_access_tokens'] as const;

/** RFC 7592 2.2: fields the server issues, which an update must not send. */
const SERVER_FIELDS = [
  'registration_access_token',
  'registration_client_uri',
  'client_secret_expires_at',
  'client_id_issued_at',
] as const;

/** The default name of an app registered without `client_name`. */
export const DEFAULT_CLIENT_NAME = 'Registered client';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Checks the JSON types of the metadata Gatehouse reads, and refuses a software statement:
 * Gatehouse verifies none (there are no trusted issuers to configure), so one that looks like
 * a JWT is `unapproved_software_statement` and anything else `invalid_software_statement`.
 */
export function parseClientMetadata(body: unknown, opts: { update?: boolean } = {}): ClientMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidClientMetadata('the request body must be a JSON object of client metadata');
  const m = body as Record<string, unknown>;
  if (m.software_statement !== undefined) {
    if (typeof m.software_statement !== 'string' || !JWT_SHAPE.test(m.software_statement))
      throw new InvalidSoftwareStatement('software_statement must be a signed JWT (RFC 7591 section 2.3)');
    throw new UnapprovedSoftwareStatement(
      'this server accepts no software statements: register without software_statement',
    );
  }
  for (const f of STRING_LISTS) {
    const v = m[f];
    if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== 'string')))
      throw new InvalidClientMetadata(`${f} must be an array of strings`);
  }
  for (const f of STRINGS)
    if (m[f] !== undefined && typeof m[f] !== 'string')
      throw new InvalidClientMetadata(`${f} must be a string`);
  for (const f of BOOLEANS)
    if (m[f] !== undefined && typeof m[f] !== 'boolean')
      throw new InvalidClientMetadata(`${f} must be true or false`);
  if (m.jwks !== undefined && (typeof m.jwks !== 'object' || m.jwks === null || Array.isArray(m.jwks)))
    throw new InvalidClientMetadata('jwks must be a JWK Set object: {"keys": [...]}');
  if (opts.update) {
    const sent = SERVER_FIELDS.find((f) => m[f] !== undefined);
    if (sent) throw new InvalidClientMetadata(`${sent} is issued by the server: leave it out of an update`);
  }
  return m as ClientMetadata;
}

/** The scopes asked for (`scope`, space-separated), or undefined when not given. */
export function requestedScopes(m: ClientMetadata): string[] | undefined {
  if (m.scope === undefined) return undefined;
  return m.scope.split(' ').filter((s) => s !== '');
}

/**
 * The response types that go with the grant types (RFC 7591 2.1): `code` with
 * authorization_code, `token` with implicit. Sent ones must be consistent with the grants.
 */
export function responseTypes(m: ClientMetadata, grantTypes: readonly string[]): string[] {
  const implied = [
    ...(grantTypes.includes('authorization_code') ? ['code'] : []),
    ...(grantTypes.includes('implicit') ? ['token'] : []),
  ];
  if (m.response_types === undefined) return implied;
  for (const r of m.response_types) {
    if (r === 'code' && !grantTypes.includes('authorization_code'))
      throw new InvalidClientMetadata('response_types "code" needs the authorization_code grant type');
    if (r === 'token' && !grantTypes.includes('implicit'))
      throw new InvalidClientMetadata('response_types "token" needs the implicit grant type');
    if (r !== 'code' && r !== 'token')
      throw new InvalidClientMetadata(`response type "${r.slice(0, 100)}" is not supported (code, token)`);
  }
  return [...new Set(m.response_types)];
}

/**
 * The client information response (RFC 7591 3.2.1, RFC 7592 3): the registered metadata, the
 * registration access token and where to manage the registration. `clientSecret` only when
 * it was just issued: Gatehouse keeps no secret in clear to send again.
 */
export function clientInformation(
  app: App,
  extra: { clientSecret?: string | null; registrationAccessToken: string; registrationClientUri: string },
): Record<string, unknown> {
  return {
    client_id: app.clientId,
    ...(extra.clientSecret ? { client_secret: extra.clientSecret } : {}),
    client_id_issued_at: Math.floor(app.createdAt.getTime() / 1000),
    ...(app.clientType === 'confidential' ? { client_secret_expires_at: 0 } : {}),
    registration_access_token: extra.registrationAccessToken,
    registration_client_uri: extra.registrationClientUri,
    client_name: app.name,
    ...(app.logoUrl ? { logo_uri: app.logoUrl } : {}),
    redirect_uris: app.redirectUris,
    grant_types: app.grantTypes,
    response_types: [
      ...(app.grantTypes.includes('authorization_code') ? ['code'] : []),
      ...(app.grantTypes.includes('implicit') ? ['token'] : []),
    ],
    token_endpoint_auth_method: app.tokenEndpointAuthMethod,
    scope: app.scopes.join(' '),
    ...(app.jwks ? { jwks: app.jwks } : {}),
    ...(app.jwksUri ? { jwks_uri: app.jwksUri } : {}),
    require_pushed_authorization_requests: app.requirePushedAuthorizationRequests,
    dpop_bound_access_tokens: app.dpopBoundAccessTokens,
  };
}
