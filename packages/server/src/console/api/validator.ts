import { Ajv } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * The management API's validators. Fastify's defaults strip unknown properties silently;
 * here an unknown field is an error (so that `scopes` sent to a route that cannot change
 * them is refused, not ignored). Path and query values arrive as strings and are coerced;
 * JSON bodies are taken as typed.
 */
const options = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false } as const;
const forBody = new Ajv({ ...options, coerceTypes: false });
const forUrl = new Ajv({ ...options, coerceTypes: 'array' });

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? forBody : forUrl).compile(schema as object);
