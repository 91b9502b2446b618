import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidClientMetadata } from '../../registration/errors.ts';
import { REGISTRATION_PATH, type RegistrationService } from '../../registration/registration-service.ts';
import type { EndpointLimiter } from '../rate-limit.ts';
import { addressChecked, noStoreJson } from './token.ts';

const JSON_TYPE = /^\s*application\/json\s*(?:;|$)/i;

/** The bearer token of the request, or undefined when none was sent in that form. */
function bearer(request: FastifyRequest): string | undefined {
  const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(request.headers.authorization ?? '');
  return m?.[1];
}

/** The JSON body of a registration or an update (RFC 7591 3.1): anything else is invalid metadata. */
function jsonBody(request: FastifyRequest): unknown {
  if (!JSON_TYPE.test(request.headers['content-type'] ?? ''))
    throw new InvalidClientMetadata('send the client metadata as application/json (RFC 7591 section 3.1)');
  try {
    return JSON.parse(typeof request.body === 'string' ? request.body : '');
  } catch {
    throw new InvalidClientMetadata('the request body is not valid JSON');
  }
}

/**
 * POST /oauth2/register (RFC 7591) with an initial access token, and the client configuration
 * endpoint GET, PUT and DELETE /oauth2/register/:client_id (RFC 7592) with the registration
 * access token. Inside the OAuth plugin (raw bodies, input guard); limited per address like
 * the token endpoint. The rules are in registration/registration-service.ts.
 */
export function registrationRoutes(
  app: FastifyInstance,
  opts: { registrations: RegistrationService; limiter?: EndpointLimiter },
): void {
  const { registrations } = opts;
  app.post(REGISTRATION_PATH, async (request, reply) => {
    const checked = addressChecked(request, opts.limiter);
    if (checked !== undefined) await checked;
    const answer = await registrations.register(bearer(request), jsonBody(request));
    reply.code(201);
    return noStoreJson(reply, answer);
  });
  app.get<{ Params: { clientId: string } }>(`${REGISTRATION_PATH}/:clientId`, async (request, reply) => {
    const checked = addressChecked(request, opts.limiter);
    if (checked !== undefined) await checked;
    return noStoreJson(reply, await registrations.read(bearer(request), request.params.clientId));
  });
  app.put<{ Params: { clientId: string } }>(`${REGISTRATION_PATH}/:clientId`, async (request, reply) => {
    const checked = addressChecked(request, opts.limiter);
    if (checked !== undefined) await checked;
    const presented = bearer(request);
    return noStoreJson(
      reply,
      await registrations.update(presented, request.params.clientId, jsonBody(request)),
    );
  });
  app.delete<{ Params: { clientId: string } }>(`${REGISTRATION_PATH}/:clientId`, async (request, reply) => {
    const checked = addressChecked(request, opts.limiter);
    if (checked !== undefined) await checked;
    await registrations.delete(bearer(request), request.params.clientId);
    reply.header('Cache-Control', 'no-store');
    return reply.code(204).send();
  });
}
