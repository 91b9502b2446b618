import type { TSchema } from '@sinclair/typebox';
import { IDEMPOTENCY_KEY_HEADER, KEY_PATTERN, REPLAYED_HEADER, takesIdempotencyKey } from './idempotency.ts';
import type { ApiRoute } from './route.ts';
import { ErrorBody } from './schemas.ts';

/** Plain JSON Schema: TypeBox's symbol keys dropped. */
const plain = (s: TSchema): Record<string, unknown> =>
  JSON.parse(JSON.stringify(s)) as Record<string, unknown>;

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input (validation_failed, invalid_request), a forged cursor (invalid_cursor), or no x-company-id where one is needed (company_required)',
  401: 'No valid admin key or console session (unauthorized)',
  403: 'Members are read-only (admin_required); the plan does not allow it (plan_required); a session write without its CSRF token (invalid_csrf_token); an operator route called without an operator key (operator_key_required)',
  404: "Not found, or another company's (not_found)",
  409: 'A request with this Idempotency-Key is still being processed (idempotency_key_in_use); retry after Retry-After. Rotating the secret of a public client, which has none; an app that kept changing while an edit was made; a duplicate e-mail address or external id; removing or demoting the last admin; deleting a company whose partner apps others have granted, without force (conflict)',
  422: 'This Idempotency-Key was used for a different request: method, path or body (idempotency_key_reused)',
};

const IDEMPOTENCY_KEY_PARAM = {
  name: IDEMPOTENCY_KEY_HEADER,
  in: 'header',
  required: false,
  description:
    'Makes a retry safe: the first request with a key runs; a retry with the same key and body gets ' +
    `the same answer back (with ${REPLAYED_HEADER}: true) for 24 hours. Scoped to the caller. ` +
    'See docs/management-api.md.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: KEY_PATTERN.source },
};

const REPLAYED = {
  [REPLAYED_HEADER]: {
    description: 'Present (true) when this answer is the one kept for the Idempotency-Key, replayed',
    schema: { type: 'string', enum: ['true'] },
  },
};

function errorResponse(status: number) {
  return {
    description: ERROR_TEXT[status] ?? 'Error',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
}

function parameters(r: ApiRoute) {
  const out: Array<Record<string, unknown>> = [];
  for (const [where, schema] of [
    ['path', r.schema.params],
    ['query', r.schema.querystring],
  ] as const) {
    if (!schema) continue;
    const s = plain(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      const { description, ...rest } = prop;
      out.push({
        name,
        in: where,
        required: where === 'path' || (s.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  }
  return out;
}

function operation(r: ApiRoute) {
  const responses: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(r.schema.response)) {
    responses[status] =
      schema === null
        ? { description: 'No content' }
        : {
            description: (schema as { description?: string }).description ?? 'OK',
            ...(takesIdempotencyKey(r) ? { headers: REPLAYED } : {}),
            content: { 'application/json': { schema: plain(schema) } },
          };
  }
  const idempotent = takesIdempotencyKey(r);
  for (const status of [401, ...r.errors, ...(idempotent ? [409, 422] : [])])
    responses[String(status)] = errorResponse(status);
  const params = [...parameters(r), ...(idempotent ? [IDEMPOTENCY_KEY_PARAM] : [])];
  return {
    operationId: r.operationId,
    summary: r.summary,
    tags: [r.tag],
    ...(r.operator ? { security: [{ operatorKey: [] }] } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(r.schema.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: plain(r.schema.body) } } } }
      : {}),
    responses,
  };
}

/** `/apps/:id` to `/apps/{id}`. */
export const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * The OpenAPI 3.1 document of the management API, built from the very route objects that
 * Fastify registers and validates with.
 *
 * @see https://spec.openapis.org/oas/v3.1.0
 */
export function openApiDocument(
  routes: readonly ApiRoute[],
  opts: { serverUrl: string; version: string; sessionCookie: string },
) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = openApiPath(`/api/v1${r.url}`);
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[r.method.toLowerCase()] = operation(r);
  }
  paths['/api/v1/openapi.json'] = {
    get: {
      operationId: 'getOpenApiDocument',
      summary: 'This document',
      tags: ['meta'],
      security: [],
      responses: { '200': { description: 'The OpenAPI 3.1 document', content: { 'application/json': {} } } },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse management API',
      version: opts.version,
      description:
        'Apps, grants, webhooks, audit events and admin keys of one company. Authenticate with an admin key ' +
        '(Authorization: Bearer gtha_...) or the console session (with x-csrf-token on writes). ' +
        "Every such route is scoped to the caller's company; an operator key (gtho_...) may call them too, " +
        'as an admin of the company it names in the x-company-id header. The operator routes (tags ' +
        '"operator: ...") manage every company, user and membership and take only an operator key. ' +
        'See docs/management-api.md.',
    },
    servers: [{ url: opts.serverUrl }],
    security: [{ adminKey: [] }, { consoleSession: [] }, { operatorKey: [] }],
    components: {
      securitySchemes: {
        adminKey: { type: 'http', scheme: 'bearer', description: 'An admin key: gatehouse admin-key create' },
        operatorKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An operator key (gtho_...): gatehouse operator-key create. On company routes, name the company in x-company-id',
        },
        consoleSession: {
          type: 'apiKey',
          in: 'cookie',
          name: opts.sessionCookie,
          description: 'The console session; writes also need its CSRF token in x-csrf-token',
        },
      },
      schemas: { Error: plain(ErrorBody) },
    },
    paths,
  };
}
