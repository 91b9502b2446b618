import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  DomainError,
  InvalidCursor,
  isDatabaseUnavailable,
  MethodNotAllowedError,
  ValidationError,
} from '../errors.ts';
import { OAuthError, TemporarilyUnavailable } from '../oauth/errors.ts';
import { familyOf, familyOfPath, isUnstorableText, RefusedInput } from './input-guard.ts';
import { sendErrorPage } from './page-reply.ts';
import { RouteMethods } from './route-methods.ts';

/** Seconds a client should wait when the database is unreachable. */
export const DATABASE_RETRY_AFTER = 5;

/** The JSON body of every error Gatehouse returns: RFC 6749's shape, used everywhere. */
export interface ErrorBody {
  error: string;
  error_description: string;
  fields?: Record<string, string>;
}

function send(reply: FastifyReply, status: number, body: ErrorBody, headers: Record<string, string> = {}) {
  reply
    .code(status)
    .headers(headers)
    .header('Cache-Control', 'no-store')
    .type('application/json; charset=utf-8');
  return reply.send(JSON.stringify(body));
}

const FASTIFY_CODES: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'request_too_large', 'the request body is too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'the Content-Type is not supported here'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_request', 'the JSON body is empty'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_request', 'the body is not valid JSON'],
};

/** Refused input in the format of its route's family (input-guard.ts), always 400. */
function sendRefused(reply: FastifyReply, err: RefusedInput) {
  if (err.family === 'page')
    return sendErrorPage(reply, 400, {
      title: { key: 'flow.request_unusable_title' },
      message: { key: 'flow.refused' },
      detail: err.description,
      code: err.error,
    });
  if (err.family === 'management')
    return send(reply, 400, {
      error: 'validation_failed',
      error_description: err.description,
      fields: { [err.field]: err.problem },
    });
  return send(reply, 400, err.toJSON());
}

const UNROUTABLE: Record<string, string> = {
  FST_ERR_BAD_URL: 'is not valid UTF-8',
  FST_ERR_MAX_PARAM_LENGTH: 'has a segment longer than 200 characters',
};

/**
 * Fastify's `frameworkErrors` (pass it to `Fastify()`): a path whose percent-escapes are not
 * UTF-8, or with a segment over `maxParamLength`, fails before routing and before the error
 * handler exists for it. Answered like any refused input, never with Fastify's default body
 * (which echoes the path).
 */
export function refuseUnroutable(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const path = (request.raw.url ?? '/').split('?', 1)[0] ?? '/';
  const problem = UNROUTABLE[err.code] ?? 'could not be routed';
  request.log.info({ code: err.code }, 'request path refused');
  return sendRefused(
    reply,
    new RefusedInput(familyOfPath(path), 'path', problem, `the request path ${problem}`),
  );
}

/**
 * The one error writer. OAuth errors keep RFC status and headers; domain errors map to
 * their status; framework errors to a clear 4xx; anything else is logged and answered as
 * a bare `server_error`, never with a message or stack from inside; a database that
 * cannot be reached is a 503 `temporarily_unavailable` with Retry-After, not a fault.
 * Call before adding routes: it learns their methods to tell 405 from 404.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  const routes = RouteMethods.track(app);
  app.setErrorHandler((err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof RefusedInput) return sendRefused(reply, err);
    if (err instanceof OAuthError) return send(reply, err.status, err.toJSON(), err.headers);
    if (err instanceof ValidationError)
      return send(reply, 400, { error: err.code, error_description: err.message, fields: err.fields });
    if (err instanceof DomainError)
      return send(reply, err.status, { error: err.code, error_description: err.message }, err.headers);
    if (err instanceof InvalidCursor)
      return send(reply, 400, { error: 'invalid_cursor', error_description: err.message });
    const code = (err as FastifyError).code;
    const known = code ? FASTIFY_CODES[code] : undefined;
    if (known) return send(reply, known[0], { error: known[1], error_description: known[2] });
    const status = (err as FastifyError).statusCode;
    if (status !== undefined && status >= 400 && status < 500 && (err as FastifyError).validation)
      return send(reply, 400, { error: 'invalid_request', error_description: err.message });
    if (status !== undefined && status >= 400 && status < 500)
      return send(reply, status, {
        error: 'invalid_request',
        error_description: 'the request could not be parsed',
      });
    if (isDatabaseUnavailable(err)) {
      request.log.warn({ err }, 'database unavailable');
      const e = new TemporarilyUnavailable('the service is temporarily unavailable', DATABASE_RETRY_AFTER);
      return send(reply, e.status, e.toJSON(), e.headers);
    }
    if (isUnstorableText(err)) {
      // The client's bytes, not our fault: no stack, and not at error level (a log flood).
      request.log.warn(
        { code: (err as { code?: string }).code },
        'database refused a character in the input',
      );
      const problem = 'contains a character that cannot be stored';
      return sendRefused(
        reply,
        new RefusedInput(familyOf(request), 'input', problem, `the request ${problem}`),
      );
    }
    request.log.error({ err }, 'unhandled error');
    return send(reply, 500, {
      error: 'server_error',
      error_description: 'The server could not complete the request.',
    });
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '';
    const allow = routes.allowed(path);
    if (allow.length > 0) {
      const e = new MethodNotAllowedError(request.method, path.slice(0, 200), allow);
      return send(reply, e.status, { error: e.code, error_description: e.message }, e.headers);
    }
    return send(reply, 404, {
      error: 'not_found',
      error_description: `no resource at ${request.method} ${path.slice(0, 200)}`,
    });
  });
}
