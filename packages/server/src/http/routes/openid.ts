import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Gatehouse } from '../../gatehouse.ts';
import { SIGNING_ALGS } from '../../keys/key-store.ts';
import { OIDC_SCOPES } from '../../oauth/endpoints/authorize.ts';
import { InsufficientScope, InvalidRequest, InvalidToken, OAuthError } from '../../oauth/errors.ts';
import { PROMPT_VALUES } from '../../oauth/oidc-parameters.ts';
import { userClaims } from '../../tokens/id-token.ts';
import { END_SESSION_PATH } from './end-session.ts';
import { formParams, isForm } from './token.ts';

/** OpenID Provider metadata: the RFC 8414 document plus what OIDC clients look for. */
export function openIdConfiguration(gh: Gatehouse): Record<string, unknown> {
  const base = gh.metadata();
  return {
    ...base,
    userinfo_endpoint: `${gh.config.issuer}/userinfo`,
    // RP-Initiated and Back-Channel Logout (docs/flows/logout.md); no front-channel logout.
    end_session_endpoint: `${gh.config.issuer}${END_SESSION_PATH}`,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    frontchannel_logout_supported: false,
    id_token_signing_alg_values_supported: [...SIGNING_ALGS],
    subject_types_supported: ['public'],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'sid',
      'at_hash',
      'company_id',
      'name',
      'email',
      'email_verified',
    ],
    scopes_supported: [...OIDC_SCOPES, ...((base.scopes_supported as string[] | undefined) ?? [])],
    // What of OpenID Connect Core is (not) supported: docs/flows/openid-connect.md.
    prompt_values_supported: [...PROMPT_VALUES],
    claim_types_supported: ['normal'],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    // Only the request_uri of a pushed request (RFC 9126), never one to fetch a request object from.
    request_uri_parameter_supported: false,
  };
}

/**
 * The access token of a userinfo request: in `Authorization: Bearer` (RFC 6750 2.1) or, in a
 * form POST, the `access_token` field (2.2); both at once is invalid_request (section 2).
 */
function presentedToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const form =
    request.method === 'POST' && isForm(request.headers['content-type'])
      ? formParams(request.headers['content-type'], request.body)
      : undefined;
  const inBody = form?.get('access_token');
  if (header !== undefined && inBody !== undefined)
    throw new InvalidRequest(
      'send the access token once: in the Authorization header or in the form, not both',
    );
  if (inBody !== undefined) return inBody;
  if (header === undefined) throw new NoBearerToken();
  const m = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
  if (!m) throw new InvalidToken('send the access token as "Authorization: Bearer <token>"');
  return m[1] as string;
}

/** RFC 6750 3.1: a request without any token hears the scheme, and no error code. */
class NoBearerToken extends InvalidToken {
  constructor() {
    super('send the access token as "Authorization: Bearer <token>" or as access_token in a form POST');
  }
}

/**
 * The error with its `WWW-Authenticate: Bearer` challenge (RFC 6750 3): the error code and
 * description, and the scope that was missing; only the realm when no token was sent.
 */
function challenged(err: OAuthError): OAuthError {
  const quoted = (v: string) => `"${v.replace(/["\\]/g, "'")}"`;
  const parts = ['realm="gatehouse"'];
  if (!(err instanceof NoBearerToken)) {
    parts.push(`error=${quoted(err.error)}`, `error_description=${quoted(err.description)}`);
    if (err instanceof InsufficientScope) parts.push(`scope=${quoted(err.scope)}`);
  }
  return new OAuthError(err.error, err.description, err.status, {
    ...err.headers,
    'WWW-Authenticate': `Bearer ${parts.join(', ')}`,
  });
}

/**
 * /.well-known/openid-configuration and /userinfo (GET and POST, bearer token with `openid`, in
 * the header or a POST's form; errors carry `WWW-Authenticate: Bearer`).
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfo
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
 */
export function openIdRoutes(app: FastifyInstance, gh: Gatehouse): void {
  app.get('/.well-known/openid-configuration', async (_req, reply) => {
    reply.header('Cache-Control', 'public, max-age=300');
    return openIdConfiguration(gh);
  });
  const userinfo = async (request: FastifyRequest) => {
    const token = presentedToken(request);
    // JWT or opaque, checked like introspection: signature or hash, expiry, revocation, app, grant.
    const found = await gh.tokenInspector.find(token);
    const app = found?.kind === 'access' ? await gh.apps.findByClientId(found.clientId) : null;
    if (found?.kind !== 'access' || !app || !(await gh.tokenInspector.state(found, app)).active)
      throw new InvalidToken('the access token is invalid, expired or revoked');
    // A DPoP-bound token is worth nothing without its key's proof, which Bearer does not carry.
    if (found.jkt !== undefined)
      throw new InvalidToken('the access token is DPoP-bound; /userinfo accepts bearer tokens only');
    const scopes = found.scopes;
    if (!scopes.includes('openid'))
      throw new InsufficientScope('the access token lacks the openid scope', 'openid');
    const user = await gh.users.get(found.subject);
    if (!user) throw new InvalidToken('the access token does not belong to a user');
    return { sub: user.id, ...userClaims(user, scopes) };
  };
  const answer = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('Cache-Control', 'no-store');
    try {
      return await userinfo(request);
    } catch (err) {
      throw err instanceof OAuthError ? challenged(err) : err;
    }
  };
  app.get('/userinfo', answer);
  app.post('/userinfo', answer);
}
