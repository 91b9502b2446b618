import type { FastifyInstance } from 'fastify';
import type { OAuthContext } from '../../oauth/context.ts';
import type { IntrospectionEndpoint } from '../../oauth/endpoints/introspect.ts';
import type { TokenEndpointLimiter } from '../rate-limit.ts';
import { noStoreJson, oauthFormRequest } from './token.ts';

/** POST /oauth2/introspect (RFC 7662): a form body, client authentication, a JSON answer. */
export function introspectRoutes(
  app: FastifyInstance,
  opts: { endpoint: IntrospectionEndpoint; ctx: OAuthContext; limiter?: TokenEndpointLimiter },
): void {
  app.post('/oauth2/introspect', async (request, reply) =>
    noStoreJson(reply, await opts.endpoint.handle(oauthFormRequest(request, opts.limiter), opts.ctx)),
  );
}
