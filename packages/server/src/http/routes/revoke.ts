import type { FastifyInstance } from 'fastify';
import type { OAuthContext } from '../../oauth/context.ts';
import type { RevocationEndpoint } from '../../oauth/endpoints/revoke.ts';
import type { EndpointLimiter } from '../rate-limit.ts';
import { addressChecked, oauthFormRequest } from './token.ts';

/**
 * POST /oauth2/revoke (RFC 7009): a form body, client authentication, and 200 with an empty
 * body whether or not the token was one to revoke.
 */
export function revokeRoutes(
  app: FastifyInstance,
  opts: { endpoint: RevocationEndpoint; ctx: OAuthContext; limiter?: EndpointLimiter },
): void {
  app.post('/oauth2/revoke', async (request, reply) => {
    const checked = addressChecked(request, opts.limiter);
    if (checked !== undefined) await checked;
    await opts.endpoint.handle(oauthFormRequest(request, opts.limiter), opts.ctx);
    reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
    return reply.code(200).send();
  });
}
