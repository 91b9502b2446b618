import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Gatehouse } from '../../gatehouse.ts';
import type { Caller } from './caller.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The schemas of one route: what Fastify validates and what the OpenAPI document shows. */
export interface RouteSchemas {
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  /** The success response, by status. Errors share ErrorBody and are listed by `errors`. */
  response: Record<number, TSchema | null>;
}

type In<S extends TSchema | undefined> = S extends TSchema ? Static<S> : undefined;

export interface RouteInput<S extends RouteSchemas> {
  params: In<S['params']>;
  query: In<S['querystring']>;
  body: In<S['body']>;
  caller: Caller;
  gh: Gatehouse;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * One management API route. The same object registers the Fastify route (which validates
 * with its schemas) and becomes an OpenAPI operation, so the two cannot drift apart.
 */
export interface ApiRoute<S extends RouteSchemas = RouteSchemas> {
  method: HttpMethod;
  /** Relative to /api/v1, Fastify syntax (`/apps/:id`). */
  url: string;
  operationId: string;
  summary: string;
  tag: string;
  /**
   * An operator route (companies, users, memberships across the whole directory): only an
   * operator key may call it; an admin key or a console session gets 403.
   */
  operator?: true;
  schema: S;
  /** Error statuses this route can answer besides 401 (each is an ErrorBody). */
  errors: number[];
  handler(input: RouteInput<S>): Promise<unknown>;
}

/** Identity with inference: `handler` gets types derived from the schemas. */
export function route<S extends RouteSchemas>(r: ApiRoute<S>): ApiRoute {
  return r as unknown as ApiRoute;
}

/** Writes (anything but GET) need an admin and, with a session, a CSRF token. */
export const isWrite = (r: Pick<ApiRoute, 'method'>) => r.method !== 'GET';
