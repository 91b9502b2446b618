import type { FastifyInstance } from 'fastify';
import type { OAuthContext } from '../../oauth/context.ts';
import type { TokenEndpoint } from '../../oauth/endpoints/token.ts';
import { InvalidRequest } from '../../oauth/errors.ts';
import { Params } from '../../oauth/params.ts';
import { clientIdHint, type TokenEndpointLimiter } from '../rate-limit.ts';

export const FORM_BODY_LIMIT = 16 * 1024;

/** True for `application/x-www-form-urlencoded`, with or without parameters. */
export function isForm(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/**
 * Accepts any body as text within this plugin, so that the OAuth endpoints, not the
 * framework, decide what a wrong Content-Type means (RFC 6749: `invalid_request`).
 */
export function acceptRawBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_req, body, done) =>
    done(null, body),
  );
}

/** Parses an OAuth form body; anything but form-urlencoded is `invalid_request`. */
export function formParams(contentType: string | undefined, body: unknown): Params {
  if (!isForm(contentType))
    throw new InvalidRequest(
      'the request body must be application/x-www-form-urlencoded (RFC 6749 section 3.2)',
    );
  return Params.fromForm(typeof body === 'string' ? body : '');
}

/** POST /oauth2/token and its aliases. */
export function tokenRoutes(
  app: FastifyInstance,
  opts: { paths: string[]; endpoint: TokenEndpoint; ctx: OAuthContext; limiter?: TokenEndpointLimiter },
): void {
  for (const path of opts.paths) {
    app.post(path, async (request, reply) => {
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
}
