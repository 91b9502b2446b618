import type { AppWithSecrets } from '../../storage/types.ts';
import { responseModeFor } from '../authorization-response.ts';
import type { OAuthContext } from '../context.ts';
import {
  InvalidRequest,
  InvalidScope,
  InvalidTarget,
  OAuthError,
  RequestNotSupported,
  UnauthorizedClient,
  UnsupportedResponseType,
} from '../errors.ts';
import { type OidcParameters, readOidcParameters } from '../oidc-parameters.ts';
import { Params } from '../params.ts';
import { readCodeChallenge } from '../pkce.ts';
import { resolveRedirectUri } from '../redirect-uri.ts';
import { missingScopes, parseScope } from '../scopes/index.ts';

/** Scopes of OpenID Connect itself: any app using the code flow may ask for them. */
export const OIDC_SCOPES = ['openid', 'profile', 'email'] as const;

/** A validated authorization request, as stored between the pages. */
export interface AuthorizationRequest {
  clientId: string;
  responseType: 'code' | 'token';
  /** Null only for company_grant apps without a redirect URI (the GUID is shown on a page). */
  redirectUri: string | null;
  redirectUriGiven: boolean;
  /** Every requested scope, OIDC ones included. */
  scopes: string[];
  state: string | null;
  nonce: string | null;
  codeChallenge: string | null;
  /** OIDC `prompt`: its values space separated (oidc-parameters.ts); read them with hasPrompt. */
  prompt: string | null;
  /**
   * OIDC `max_age` in seconds: a sign-in older than this is asked again, and passed to an
   * upstream provider the person signs in with. Absent in flows stored before it was read.
   */
  maxAge?: number | null;
  /**
   * OIDC `login_hint`: pre-fills the login page's e-mail, and is passed to the login application
   * of login delegation and to upstream providers. Absent in older flows.
   */
  loginHint?: string | null;
}

/** Before client_id and redirect_uri are proven, errors go on a page: never a redirect. */
export class AuthorizationPageError extends Error {
  constructor(readonly oauth: OAuthError) {
    super(oauth.description);
    this.name = 'AuthorizationPageError';
  }
}

/** Where an error redirect goes: `responseType` is as the client sent it (see responseModeFor). */
export interface ErrorRedirectTarget {
  redirectUri: string | null;
  responseType: string;
  state: string | null;
}

/** After that, errors go back to the client's redirect URI. */
export class AuthorizationRedirectError extends Error {
  constructor(
    readonly oauth: OAuthError,
    readonly request: ErrorRedirectTarget,
  ) {
    super(oauth.description);
    this.name = 'AuthorizationRedirectError';
  }
}

/**
 * Validates an authorization request in the order that keeps the endpoint from being an
 * open redirector: client, then redirect URI (errors on a page), then everything else
 * (errors redirected with `iss`, RFC 9207).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1
 */
export async function validateAuthorizationRequest(
  parse: () => Params,
  ctx: OAuthContext,
  /** `pushed`: the request is being pushed (RFC 9126), so an app that requires PAR may make it. */
  opts: { pushed?: boolean } = {},
): Promise<{ app: AppWithSecrets; request: AuthorizationRequest }> {
  let params: Params;
  try {
    params = parse();
  } catch (err) {
    if (err instanceof OAuthError) throw new AuthorizationPageError(err);
    throw err;
  }
  const clientId = params.get('client_id');
  if (clientId === undefined) throw new AuthorizationPageError(new InvalidRequest('client_id is required'));
  const requestUri = params.get('request_uri');
  let pushed = opts.pushed === true;
  if (requestUri !== undefined && !pushed) {
    // RFC 9126 4: only the pushed parameters count; whatever else the query carries is ignored.
    const stored = await ctx.pushedRequests?.consume(requestUri, clientId);
    if (stored === undefined)
      throw new AuthorizationPageError(
        new OAuthError(
          'invalid_request_uri',
          'request_uri is unknown, expired, already used, or was pushed by another client',
        ),
      );
    params = Params.fromEntries(Object.entries(stored));
    pushed = true;
  }
  // Read from the database, not the cache: an edit made on another node (a redirect URI
  // removed, implicit turned off) applies here at once. The request stores a flow anyway.
  const app = await ctx.apps.findByClientIdFresh(clientId);
  if (!app) throw new AuthorizationPageError(new InvalidRequest('no app is registered with this client_id'));
  if (app.requirePushedAuthorizationRequests && !pushed)
    throw new AuthorizationPageError(
      new InvalidRequest(
        'this app must push its authorization requests first (POST /oauth2/par, RFC 9126) and send the request_uri',
      ),
    );
  const companyGrant = app.grantDelivery === 'company_grant';
  const resolved = resolveRedirectUri(app.redirectUris, params.get('redirect_uri'), {
    allowNone: companyGrant,
  });
  if (!resolved.ok) throw new AuthorizationPageError(new InvalidRequest(resolved.problem));

  const rawType = params.get('response_type') ?? (companyGrant ? 'code' : undefined);
  const state = params.get('state') ?? null;
  // Every error redirect carries the response_type as sent, even one refused below: a request
  // for `token` (or `id_token`) gets its error in the fragment, where such a client reads it.
  const fail = (err: OAuthError) => {
    if (resolved.uri === null) return new AuthorizationPageError(err);
    return new AuthorizationRedirectError(err, {
      redirectUri: resolved.uri,
      responseType: rawType ?? 'code',
      state,
    });
  };
  // OIDC Core 6 / RFC 9101: a request object may carry every other parameter, so it is refused
  // before any of them is read. Gatehouse takes plain parameters, or pushed ones (PAR).
  if (params.get('request') !== undefined)
    throw fail(
      new RequestNotSupported(
        'request objects (the request parameter) are not supported: send the parameters themselves, or push them (PAR)',
      ),
    );
  if (rawType === undefined) throw fail(new InvalidRequest('response_type is required'));
  if (rawType !== 'code' && rawType !== 'token')
    throw fail(
      new UnsupportedResponseType(
        'response_type must be code (or token, for apps allowed the implicit grant)',
      ),
    );
  const responseType = rawType;
  // response_mode (OAuth 2.0 Multiple Response Types): only the default mode of the response
  // type is offered (query for code, fragment for token); form_post and the rest are refused.
  const responseMode = params.get('response_mode');
  if (responseMode !== undefined && responseMode !== responseModeFor(responseType))
    throw fail(
      new InvalidRequest(
        `response_mode must be ${responseModeFor(responseType)} for response_type=${responseType} (or left out)`,
      ),
    );
  if (responseType === 'code' && !companyGrant && !app.grantTypes.includes('authorization_code'))
    throw fail(new UnauthorizedClient('this app is not allowed to use the authorization_code grant'));
  if (responseType === 'token' && (!app.grantTypes.includes('implicit') || companyGrant))
    throw fail(new UnauthorizedClient('this app is not allowed to use the implicit grant'));
  if (responseType === 'token' && resolved.uri === null)
    throw fail(new InvalidRequest('the implicit grant needs a redirect URI'));

  let scopes: string[];
  try {
    const raw = params.get('scope');
    scopes = raw === undefined || raw.trim() === '*' ? [...app.scopes] : parseScope(raw);
  } catch (err) {
    throw fail(err as OAuthError);
  }
  const missing = missingScopes([...app.scopes, ...OIDC_SCOPES], scopes);
  if (missing.length > 0)
    throw fail(
      new InvalidScope(`scope ${missing.map((s) => `"${s}"`).join(', ')} is not available to this app`),
    );
  if (scopes.length === 0) scopes = [...app.scopes];
  // RFC 8707: each `resource` must be registered and permitted; the token request narrows to one.
  const resources = params.all('resource');
  if (resources.length > 0) {
    try {
      if (!ctx.resources) throw new InvalidTarget('this server has no registered resources');
      ctx.resources.check(resources, app.scopes);
    } catch (err) {
      throw fail(err as OAuthError);
    }
  }

  let codeChallenge: string | null = null;
  if (responseType === 'code') {
    try {
      codeChallenge = readCodeChallenge(
        params.get('code_challenge'),
        params.get('code_challenge_method'),
        app.clientType === 'public',
      );
    } catch (err) {
      throw fail(err as OAuthError);
    }
  }
  let oidc: OidcParameters;
  try {
    oidc = readOidcParameters(params);
  } catch (err) {
    throw fail(err as OAuthError);
  }
  return {
    app,
    request: {
      clientId,
      responseType,
      redirectUri: resolved.uri,
      redirectUriGiven: resolved.given,
      scopes,
      state,
      nonce: params.get('nonce') ?? null,
      codeChallenge,
      ...oidc,
    },
  };
}
