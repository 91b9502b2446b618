import type { FastifyError, FastifyInstance } from 'fastify';
import { InvalidRequest } from '../oauth/errors.ts';

/**
 * Within the plugin `app`, a Content-Type header that is not a media type at all (empty,
 * blank, or without a `type/subtype`) is `invalid_request` (400), like any other body that
 * is not a form at the endpoints that take forms (RFC 6749 3.2, RFC 7009 2.1, RFC 7662 2.1),
 * instead of the framework's 415: Fastify refuses such a header before any body parser or
 * route runs, so only an error handler sees it. Every other error goes on to the app's one
 * error writer (http/errors.ts), untouched.
 */
export function answerMalformedContentType(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request) => {
    if (err.code !== 'FST_ERR_CTP_INVALID_MEDIA_TYPE') throw err;
    const header = request.headers['content-type'];
    throw new InvalidRequest(
      header === undefined || header.trim() === ''
        ? 'the Content-Type header is empty: send the body as application/x-www-form-urlencoded'
        : 'the Content-Type header is not a media type: send the body as application/x-www-form-urlencoded',
    );
  });
}
