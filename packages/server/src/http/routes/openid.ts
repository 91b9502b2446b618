import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Gatehouse } from '../../gatehouse.ts';
import { SIGNING_ALGS } from '../../keys/key-store.ts';
import { OIDC_SCOPES } from '../../oauth/endpoints/authorize.ts';
import { InsufficientScope, InvalidToken } from '../../oauth/errors.ts';
import { userClaims } from '../../tokens/id-token.ts';
import { END_SESSION_PATH } from './end-session.ts';

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
      'name',
      'email',
      'email_verified',
    ],
    scopes_supported: [...OIDC_SCOPES, ...((base.scopes_supported as string[] | undefined) ?? [])],
  };
}

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization ?? '';
  const m = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
  if (!m) throw new InvalidToken('send the access token as "Authorization: Bearer <token>"');
  return m[1] as string;
}

/**
 * /.well-known/openid-configuration and /userinfo (GET and POST, bearer token with `openid`).
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
    const token = bearer(request);
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
  app.get('/userinfo', async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    return userinfo(request);
  });
  app.post('/userinfo', async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    return userinfo(request);
  });
}
