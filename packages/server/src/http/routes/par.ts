import type { FastifyInstance } from 'fastify';
import type { OAuthContext } from '../../oauth/context.ts';
import type { PushedAuthorizationEndpoint } from '../../oauth/endpoints/par.ts';
import type { EndpointLimiter } from '../rate-limit.ts';
import { addressChecked, oauthFormRequest } from './token.ts';

/**
 * POST /oauth2/par (RFC 9126): a form body with client authentication, as at the token
 * endpoint; 201 with `request_uri` and `expires_in`, or the error as JSON.
 */
export function parRoutes(
  app: FastifyInstance,
  opts: { endpoint: PushedAuthorizationEndpoint; ctx: OAuthContext; limiter?: EndpointLimiter },
): void {
  app.post('/oauth2/par', async (request, reply) => {
    const checked = addressChecked(request, opts.limiter);
    if (checked !== undefined) await checked;
    const answer = await opts.endpoint.handle(oauthFormRequest(request, opts.limiter), opts.ctx);
    reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
    return reply.code(201).send(answer);
  });
}
