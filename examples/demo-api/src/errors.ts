import type { FastifyAuth } from '@gatehouse/resource-server';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The company a request passed `require({ company: true })` for. */
export function companyOf(auth: FastifyAuth, request: FastifyRequest): string {
  const company = auth.contextOf(request).company;
  if (!company) throw new Error('route registered without the company requirement');
  return company.id;
}

/** Every demo API error body: the same shape as the RFC 6750 ones. */
export function sendJsonError(reply: FastifyReply, status: number, error: string, description: string) {
  return reply
    .code(status)
    .header('Cache-Control', 'no-store')
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ error, error_description: description }));
}

const FRAMEWORK: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'request_too_large', 'the request body is too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'send the body as application/json'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_request', 'the JSON body is empty'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_request', 'the body is not valid JSON'],
};

/** JSON errors everywhere: framework errors become clear 4xx, the rest a bare 500 (logged). */
export function registerDemoErrors(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const known = err.code ? FRAMEWORK[err.code] : undefined;
    if (known) return sendJsonError(reply, known[0], known[1], known[2]);
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500)
      return sendJsonError(reply, err.statusCode, 'invalid_request', 'the request could not be parsed');
    request.log.error({ err }, 'unhandled error');
    return sendJsonError(reply, 500, 'server_error', 'the server could not complete the request');
  });
  app.setNotFoundHandler((request, reply) =>
    sendJsonError(
      reply,
      404,
      'not_found',
      `no resource at ${request.method} ${request.url.split('?')[0]?.slice(0, 200)}`,
    ),
  );
}
