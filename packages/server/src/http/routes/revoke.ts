import type { FastifyInstance } from 'fastify';
import type { OAuthContext } from '../../oauth/context.ts';
import type { RevocationEndpoint } from '../../oauth/endpoints/revoke.ts';
import { clientIdHint, type TokenEndpointLimiter } from '../rate-limit.ts';
import { formParams } from './token.ts';

/**
 * POST /oauth2/revoke (RFC 7009): a form body, client authentication, and 200 with an empty
 * body whether or not the token was one to revoke.
 */
export function revokeRoutes(
  app: FastifyInstance,
  opts: { endpoint: RevocationEndpoint; ctx: OAuthContext; limiter?: TokenEndpointLimiter },
): void {
  app.post('/oauth2/revoke', async (request, reply) => {
    const params = formParams(request.headers['content-type'], request.body);
    const authorization = request.headers.authorization;
    opts.limiter?.check(clientIdHint(params.get('client_id'), authorization), request.ip);
    await opts.endpoint.handle(
      authorization === undefined ? { params } : { params, authorization },
      opts.ctx,
    );
    reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
    return reply.code(200).send();
  });
}
