import type { FastifyInstance } from 'fastify';
import type { OAuthContext } from '../../oauth/context.ts';
import type { IntrospectionEndpoint } from '../../oauth/endpoints/introspect.ts';
import type { EndpointLimiter } from '../rate-limit.ts';
import { addressChecked, noStoreJson, oauthFormRequest } from './token.ts';

/** POST /oauth2/introspect (RFC 7662): a form body, client authentication, a JSON answer. */
export function introspectRoutes(
  app: FastifyInstance,
  opts: { endpoint: IntrospectionEndpoint; ctx: OAuthContext; limiter?: EndpointLimiter },
): void {
  app.post('/oauth2/introspect', async (request, reply) => {
    const checked = addressChecked(request, opts.limiter);
    if (checked !== undefined) await checked;
    return noStoreJson(reply, await opts.endpoint.handle(oauthFormRequest(request, opts.limiter), opts.ctx));
  });
}
