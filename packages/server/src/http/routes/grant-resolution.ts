import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { Gatehouse } from '../../gatehouse.ts';
import { InvalidToken } from '../../oauth/errors.ts';
import type { EndpointLimiter } from '../rate-limit.ts';

const GUID = /^[A-Za-z0-9_-]{1,100}$/;

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization ?? '';
  const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (!m) throw new InvalidToken('send the access token as "Authorization: Bearer <token>"');
  return m[1] as string;
}

/** One answer for every miss, so a caller learns nothing about GUIDs that are not its own. */
function notFound(reply: { code(n: number): unknown; header(k: string, v: string): unknown }) {
  reply.code(404);
  reply.header('Cache-Control', 'no-store');
  return { error: 'grant_not_found', error_description: 'no active grant with this GUID for this client' };
}

/**
 * GET /oauth2/grants/:guid: how a resource server learns which company an `x-company-guid`
 * names. The caller authenticates with the very access token it was handed (the partner's
 * bearer token), so the answer is only ever about that token's own app: the grant must be
 * active and belong to the token's `client_id`. Every miss is the same 404, without saying
 * which check failed. @gatehouse/resource-server calls this and caches the answer briefly;
 * the revocation feed's `guid` entries evict it.
 */
export function grantResolutionRoutes(
  app: FastifyInstance,
  gh: Gatehouse,
  /** A flood brake per caller IP, checked before the token's signature is (429, Retry-After). */
  limiter?: EndpointLimiter,
): void {
  app.get<{ Params: { guid: string } }>('/oauth2/grants/:guid', async (request, reply) => {
    const checked = limiter?.checkAddress(request.ip);
    if (checked !== undefined) await checked;
    const token = bearer(request);
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, createLocalJWKSet(gh.keys.publicJwks()), {
        issuer: gh.config.issuer,
        audience: gh.config.audience,
        typ: 'at+jwt',
        algorithms: ['ES256', 'RS256', 'EdDSA'],
        requiredClaims: ['exp', 'jti', 'client_id'],
      }));
    } catch {
      throw new InvalidToken('the access token is invalid or expired');
    }
    if (payload.cnf !== undefined)
      throw new InvalidToken('the access token is DPoP-bound; this endpoint accepts bearer tokens only');
    const clientId = payload.client_id;
    if (typeof clientId !== 'string' || (await gh.tokenInspector.accessTokenRevoked(String(payload.jti))))
      throw new InvalidToken('the access token has been revoked');
    const guid = request.params.guid;
    if (!GUID.test(guid)) return notFound(reply);
    const found = await gh.grants.activeGrantForClient(guid, clientId);
    if (!found) return notFound(reply);
    // Resource servers cache this answer about a minute, so "last used" is that precise.
    gh.grantLastUsed.record(found.grant.id);
    reply.header('Cache-Control', 'no-store');
    return {
      guid: found.grant.guid,
      company_id: found.grant.companyId,
      client_id: found.app.clientId,
      scope: found.grant.scopes.join(' '),
      active: true,
    };
  });
}
