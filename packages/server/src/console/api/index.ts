import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '../../errors.ts';
import type { Gatehouse } from '../../gatehouse.ts';
import { guardJsonBodies, inputFamily } from '../../http/input-guard.ts';
import { sessionCookieName } from '../../http/session-cookie.ts';
import { VERSION } from '../../version.ts';
import { adminKeyRoutes } from './admin-keys.ts';
import { appRoutes } from './apps.ts';
import { auditRoutes } from './audit.ts';
import { type Caller, CallerResolver } from './caller.ts';
import { companyRoutes } from './company.ts';
import { grantRoutes } from './grants.ts';
import { idempotencyHooks, takesIdempotencyKey } from './idempotency.ts';
import { initialAccessTokenRoutes } from './initial-access-tokens.ts';
import { memberRoutes } from './members.ts';
import { openApiDocument } from './openapi.ts';
import { operatorCompanyRoutes } from './operator-companies.ts';
import { operatorLoginRequestRoutes } from './operator-login-requests.ts';
import { operatorUserRoutes } from './operator-users.ts';
import { type ApiRoute, isWrite } from './route.ts';
import { noBodyExpected, schemaErrors, wireFields } from './validation-errors.ts';
import { validatorCompiler } from './validator.ts';
import { webhookRoutes } from './webhooks.ts';

export const API_PREFIX = '/api/v1';

/** The company-scoped routes: an admin key, a console session or an operator key naming the company. */
export const COMPANY_ROUTES: readonly ApiRoute[] = [
  ...companyRoutes,
  ...appRoutes,
  ...grantRoutes,
  ...webhookRoutes,
  ...auditRoutes,
  ...adminKeyRoutes,
  ...initialAccessTokenRoutes,
];

/** The operator routes (the whole directory): an operator key only. */
export const OPERATOR_ROUTES: readonly ApiRoute[] = [
  ...operatorCompanyRoutes,
  ...operatorUserRoutes,
  ...memberRoutes,
  ...operatorLoginRequestRoutes,
];

/** Every management API route, in the order the OpenAPI document lists them. */
export const API_ROUTES: readonly ApiRoute[] = [...COMPANY_ROUTES, ...OPERATOR_ROUTES];

const callers = new WeakMap<FastifyRequest, Caller>();

/**
 * The management API under /api/v1: JSON, company-scoped, authenticated by an admin key or
 * the console session (see caller.ts). Each route authenticates in `onRequest`, before its
 * body is even parsed; writes need an admin; then Fastify validates with the route's schemas.
 */
export async function managementApiRoutes(app: FastifyInstance, gh: Gatehouse): Promise<void> {
  await app.register(async (api) => {
    await api.register(cookie);
    inputFamily(api, 'management');
    guardJsonBodies(api);
    api.setValidatorCompiler(validatorCompiler);
    const resolver = new CallerResolver(gh);
    const idempotency = idempotencyHooks(gh.idempotency, (request) => callers.get(request) as Caller);
    const document = openApiDocument(API_ROUTES, {
      serverUrl: gh.config.issuer,
      version: VERSION,
      sessionCookie: sessionCookieName(gh.config.issuer.startsWith('https://')),
    });

    for (const r of API_ROUTES) {
      const schema: Record<string, unknown> = { response: {} };
      if (r.schema.params) schema.params = r.schema.params;
      if (r.schema.querystring) schema.querystring = r.schema.querystring;
      if (r.schema.body) schema.body = r.schema.body;
      for (const [status, s] of Object.entries(r.schema.response))
        if (s !== null) (schema.response as Record<string, unknown>)[status] = s;
      api.route({
        method: r.method,
        url: `${API_PREFIX}${r.url}`,
        schema,
        schemaErrorFormatter: schemaErrors,
        // Idempotency-Key: checked before the body is read, claimed before the handler runs.
        ...(takesIdempotencyKey(r) ? idempotency : {}),
        async onRequest(request) {
          const caller = await resolver.resolve(request, r.operator === true);
          // An admin key acts as an admin of its company; a signed-in member is read-only.
          if (isWrite(r) && caller.via === 'session')
            await gh.access.requireAdmin(caller.userId as string, caller.companyId);
          callers.set(request, caller);
        },
        async preValidation(request) {
          const b = request.body;
          const empty =
            b === undefined ||
            b === null ||
            b === '' ||
            (typeof b === 'object' && Object.keys(b).length === 0);
          // A body-less POST (rotate-secret with no options) validates as an empty object.
          if (r.schema.body && empty) request.body = {};
          // A route without a body takes none: input is refused, never silently ignored.
          if (!r.schema.body && !empty) throw noBodyExpected(request.body);
        },
        async handler(request, reply) {
          const caller = callers.get(request) as Caller;
          reply.header('Cache-Control', 'no-store');
          const out = await r
            .handler({
              params: request.params as never,
              query: request.query as never,
              body: request.body as never,
              caller,
              gh,
              request,
              reply,
            })
            .catch((err: unknown) => {
              throw err instanceof ValidationError ? wireFields(err) : err;
            });
          return reply.statusCode === 204 ? reply.send() : out;
        },
      });
    }

    api.get(`${API_PREFIX}/openapi.json`, async (_request, reply) => {
      reply.header('Cache-Control', 'no-cache');
      return document;
    });
  });
}
