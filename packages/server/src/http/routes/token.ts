import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseBasicCredentials } from '../../oauth/client-auth/basic-credentials.ts';
import type { OAuthContext, TokenEndpointRequest } from '../../oauth/context.ts';
import type { TokenEndpoint } from '../../oauth/endpoints/token.ts';
import { InvalidRequest } from '../../oauth/errors.ts';
import { Params } from '../../oauth/params.ts';
import { guardBasic, guardedBody } from '../input-guard.ts';
import { answerMalformedContentType } from '../media-type.ts';
import type { EndpointLimiter } from '../rate-limit.ts';

export const FORM_BODY_LIMIT = 16 * 1024;

const FORM_TYPE = /^\s*application\/x-www-form-urlencoded\s*(?:;|$)/i;

/** True for `application/x-www-form-urlencoded`, with or without parameters. */
export function isForm(contentType: string | undefined): boolean {
  return contentType !== undefined && FORM_TYPE.test(contentType);
}

/**
 * Accepts any body as text within this plugin, so that the OAuth endpoints, not the
 * framework, decide what a wrong Content-Type means (RFC 6749: `invalid_request`).
 */
export function acceptRawBodies(app: FastifyInstance): void {
  answerMalformedContentType(app);
  app.removeAllContentTypeParsers();
  // Bytes, not text: invalid UTF-8 is refused before the decoder could hide it (input-guard.ts).
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: FORM_BODY_LIMIT }, (req, body, done) => {
    try {
      done(null, guardedBody(req, body as Buffer, isForm(req.headers['content-type'])));
    } catch (err) {
      done(err as Error);
    }
  });
}

/** Parses an OAuth form body; anything but form-urlencoded is `invalid_request`. */
export function formParams(contentType: string | undefined, body: unknown): Params {
  if (!isForm(contentType))
    throw new InvalidRequest(
      'the request body must be application/x-www-form-urlencoded (RFC 6749 section 3.2)',
    );
  return Params.fromForm(typeof body === 'string' ? body : '');
}

/**
 * The address's rate limit, the first check of the form-posting OAuth endpoints. In memory it
 * passes or throws at once (undefined: nothing to await); shared through Redis it is a promise,
 * which the route awaits.
 */
export function addressChecked(
  request: FastifyRequest,
  limiter?: EndpointLimiter,
): Promise<void> | undefined {
  return limiter?.checkAddress(request.ip) ?? undefined;
}

/**
 * The shared front of the form-posting OAuth endpoints (token, revoke, introspect), once the
 * address's rate limit has passed (addressChecked): the body must be a form, and the protocol
 * core gets only the parameters, the Authorization header, the caller's address and the limits
 * it applies around client authentication (the per-client one only once the client has
 * authenticated).
 */
export function oauthFormRequest(request: FastifyRequest, limiter?: EndpointLimiter): TokenEndpointRequest {
  const address = request.ip;
  const params = formParams(request.headers['content-type'], request.body);
  const authorization = request.headers.authorization;
  const basic = parseBasicCredentials(authorization);
  guardBasic(request, basic, authorization);
  return authorization === undefined
    ? { params, basic, address, limits: limiter }
    : { params, authorization, basic, address, limits: limiter };
}

/** A JSON answer no cache may keep (RFC 6749 5.1). */
export function noStoreJson(reply: FastifyReply, body: unknown): string {
  reply
    .header('Cache-Control', 'no-store')
    .header('Pragma', 'no-cache')
    .type('application/json; charset=utf-8');
  return JSON.stringify(body);
}

/**
 * POST /oauth2/token and its aliases. A `DPoP` header goes to the endpoint with the URI the
 * proof must name (`htu`: the issuer and the path the request came to).
 */
export function tokenRoutes(
  app: FastifyInstance,
  opts: { paths: string[]; endpoint: TokenEndpoint; ctx: OAuthContext; limiter?: EndpointLimiter },
): void {
  for (const path of opts.paths) {
    const htu = `${opts.ctx.issuer}${path}`;
    app.post(path, async (request, reply) => {
      const checked = addressChecked(request, opts.limiter);
      if (checked !== undefined) await checked;
      const req = oauthFormRequest(request, opts.limiter);
      const dpop = request.headers.dpop;
      if (dpop !== undefined) {
        req.dpop = Array.isArray(dpop) ? dpop.join(',') : dpop;
        req.htu = htu;
      }
      return noStoreJson(reply, await opts.endpoint.handle(req, opts.ctx));
    });
  }
}
