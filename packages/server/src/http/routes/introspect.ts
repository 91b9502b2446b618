import type { FastifyInstance } from 'fastify';
import type { OAuthContext } from '../../oauth/context.ts';
import type { IntrospectionEndpoint } from '../../oauth/endpoints/introspect.ts';
import { clientIdHint, type TokenEndpointLimiter } from '../rate-limit.ts';
import { formParams } from './token.ts';

/** POST /oauth2/introspect (RFC 7662): a form body, client authentication, a JSON answer. */
export function introspectRoutes(
  app: FastifyInstance,
  opts: { endpoint: IntrospectionEndpoint; ctx: OAuthContext; limiter?: TokenEndpointLimiter },
): void {
  app.post('/oauth2/introspect', async (request, reply) => {
    const params = formParams(request.headers['content-type'], request.body);
    const authorization = request.headers.authorization;
    opts.limiter?.check(clientIdHint(params.get('client_id'), authorization), request.ip);
    const response = await opts.endpoint.handle(
      authorization === undefined ? { params } : { params, authorization },
      opts.ctx,
    );
    reply
      .header('Cache-Control', 'no-store')
      .header('Pragma', 'no-cache')
      .type('application/json; charset=utf-8');
    return JSON.stringify(response);
  });
}
