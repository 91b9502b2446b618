import type { FastifyReply, FastifyRequest, onSendHookHandler, preHandlerHookHandler } from 'fastify';
import { ValidationError } from '../../errors.ts';
import type { IdempotencyService, Ticket } from '../../idempotency/idempotency-service.ts';
import type { Caller } from './caller.ts';
import type { ApiRoute } from './route.ts';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** Set on an answer that is a replay of the one kept for the key (as Stripe does). */
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/** Every POST takes a key; GET and DELETE are idempotent already and ignore it. */
export const takesIdempotencyKey = (r: Pick<ApiRoute, 'method'>) => r.method === 'POST';

/** 1 to 255 printable ASCII characters (space included, though not at either end). */
export const KEY_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/;
/** The draft's form: a Structured Field String, `"..."` with `\"` and `\\` escapes (RFC 8941 3.3.3). */
const SF_STRING = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;

/** Headers of an answer worth replaying; the rest (security headers, dates) are set afresh. */
const KEPT_HEADERS = ['content-type', 'location'];

function invalidKey(problem: string): ValidationError {
  return new ValidationError(`the ${IDEMPOTENCY_KEY_HEADER} header ${problem}`, {
    [IDEMPOTENCY_KEY_HEADER.toLowerCase()]: problem,
  });
}

/**
 * The key as sent, bare (`Idempotency-Key: 4f1c...`, Stripe's form) or as the draft's
 * Structured Field String (`"4f1c..."`, unwrapped to the same key); undefined when absent.
 *
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-idempotency-key-header#section-2
 */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const raw = request.raw.rawHeaders;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]?.toLowerCase() === 'idempotency-key') count++;
  if (count === 0) return undefined;
  // Node would join two into one "a, b": refuse rather than guess which one was meant.
  if (count > 1) throw invalidKey('must be sent once');
  const value = String(request.headers['idempotency-key'] ?? '');
  const quoted = SF_STRING.exec(value);
  const key = quoted ? (quoted[1] as string).replace(/\\(["\\])/g, '$1') : value;
  if (!KEY_PATTERN.test(key)) throw invalidKey('must be 1 to 255 printable ASCII characters');
  return key;
}

/**
 * Route hooks that make a POST idempotent under its key. The key is checked before the body
 * is read; the request claims it once authenticated and validated (so a refused credential or
 * a body that fails the schema is not kept, and the same key can be retried with a corrected
 * request, as with Stripe); its answer is kept when it is sent, or the key freed when the
 * answer is not one to keep (idempotency-service.ts, keepsAnswer).
 */
export function idempotencyHooks(service: IdempotencyService, callerOf: (request: FastifyRequest) => Caller) {
  const keys = new WeakMap<FastifyRequest, string>();
  const tickets = new WeakMap<FastifyRequest, Ticket>();

  const preParsing = async (request: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
    const key = idempotencyKeyOf(request);
    if (key !== undefined) keys.set(request, key);
    return payload;
  };

  const preHandler: preHandlerHookHandler = async (request, reply) => {
    const key = keys.get(request);
    if (key === undefined) return;
    const caller = callerOf(request);
    const begun = await service.begin({
      companyId: caller.companyId,
      caller: caller.actor,
      key,
      method: request.method,
      path: request.url,
      body: request.body,
    });
    if ('run' in begun) {
      tickets.set(request, begun.run);
      return;
    }
    const { status, headers, body } = begun.replay;
    reply.code(status).headers(headers).header('Cache-Control', 'no-store').header(REPLAYED_HEADER, 'true');
    return reply.send(body);
  };

  const onSend: onSendHookHandler = async (request, reply, payload) => {
    const ticket = tickets.get(request);
    if (!ticket) return payload;
    tickets.delete(request);
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const v = reply.getHeader(name);
      if (v !== undefined) headers[name] = String(v);
    }
    const body =
      payload === undefined || payload === null
        ? ''
        : typeof payload === 'string'
          ? payload
          : Buffer.isBuffer(payload)
            ? payload.toString('utf8')
            : undefined;
    try {
      // A streamed body cannot be kept whole (no route streams one): the key is freed instead.
      if (body === undefined) await service.release(ticket);
      else await service.finish(ticket, { status: reply.statusCode, headers, body });
    } catch (err) {
      // The operation is done and its answer goes out all the same; a retry within the lease
      // gets 409, after it the request runs again (docs/management-api.md).
      request.log.warn({ err }, 'could not keep the answer of an idempotent request');
    }
    return payload;
  };

  return { preParsing, preHandler, onSend };
}
