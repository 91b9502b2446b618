import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { ErrorBody } from './errors.ts';

/**
 * What Node could not turn into a request (no route ever runs): a request or its headers
 * that did not arrive within the HTTP timeouts (408), headers over the size limit (431),
 * bytes that are not HTTP (400). Fastify's own answer has a body of another shape; this one
 * is the error catalog's (docs/errors.md), and the connection is closed after it.
 */
export function clientErrorHandler(this: { log: FastifyBaseLogger }, err: Error, socket: Socket): void {
  const code = (err as { code?: string }).code;
  // A reset or already closed connection has no one left to answer.
  if (code === 'ECONNRESET' || socket.destroyed) return;
  const [status, body] = answer(code);
  this.log.debug({ err: { code, message: err.message } }, 'client error');
  // Never write into a response already under way: that would corrupt it for the client.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const json = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Cache-Control: no-store\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
    );
  }
  socket.destroy(err);
}

function answer(code: string | undefined): [number, ErrorBody] {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return [
      408,
      { error: 'request_timeout', error_description: 'the request did not arrive within the time allowed' },
    ];
  if (code === 'HPE_HEADER_OVERFLOW')
    return [431, { error: 'headers_too_large', error_description: 'the request headers are too large' }];
  return [400, { error: 'invalid_request', error_description: 'the request could not be parsed' }];
}
