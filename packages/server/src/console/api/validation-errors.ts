import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { SCOPES_FIXED } from '../../apps/app-edit.ts';
import { ValidationError } from '../../errors.ts';

function fieldOf(e: FastifySchemaValidationError): string {
  const params = e.params as { missingProperty?: string; additionalProperty?: string };
  const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const leaf = params.missingProperty ?? params.additionalProperty;
  return [path, leaf].filter(Boolean).join('.') || 'body';
}

function problemOf(e: FastifySchemaValidationError): string {
  const params = e.params as { additionalProperty?: string };
  if (e.keyword === 'additionalProperties')
    return params.additionalProperty === 'scopes' ? SCOPES_FIXED : 'is not a known field';
  if (e.keyword === 'required') return 'is required';
  return e.message ?? 'is not valid';
}

/**
 * Turns schema errors into one ValidationError naming each field, so the API answers
 * `validation_failed` with `fields` like the services do. An attempt to send `scopes`
 * anywhere but app creation is told, in so many words, that scopes are immutable.
 */
export function schemaErrors(errors: FastifySchemaValidationError[], where: string): ValidationError {
  const fields: Record<string, string> = {};
  for (const e of errors) {
    const field = fieldOf(e);
    fields[field] ??= problemOf(e);
  }
  const summary = Object.entries(fields)
    .map(([f, p]) => (p === SCOPES_FIXED ? p : `${where} ${f} ${p}`))
    .join('; ');
  return new ValidationError(summary, fields);
}

/** A body sent to a route that takes none. */
export function noBodyExpected(body: unknown): ValidationError {
  const keys = body !== null && typeof body === 'object' ? Object.keys(body) : [];
  if (keys.includes('scopes')) return new ValidationError(SCOPES_FIXED, { scopes: SCOPES_FIXED });
  return new ValidationError('this route takes no request body', { body: 'must be empty' });
}

/** Services name fields in camelCase (`redirectUris`); the API's fields are snake_case. */
export function wireFields(err: ValidationError): ValidationError {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(err.fields))
    fields[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = v;
  return new ValidationError(err.message, fields);
}
