import type { FastifyAuth } from '@gatehouse/resource-server';
import type { FastifyInstance } from 'fastify';
import { companyOf, sendJsonError } from '../errors.ts';
import { MAX_USERS_PER_COMPANY, type UsersStore } from '../users-store.ts';
import { parseNewUser } from '../validation.ts';

/**
 * The Users API of the seed guides (Connecteam's /users/v1/users), over the company the
 * request reaches: the token's own, or the one a partner names with x-company-guid. Each
 * route's scope is checked against the request's effective scope: for a partner, what its
 * token holds AND the company approved in its grant (a token with users.delete cannot
 * delete the users of a company that granted users.read only).
 */
export function userRoutes(app: FastifyInstance, opts: { auth: FastifyAuth; store: UsersStore }): void {
  const { auth, store } = opts;

  app.get(
    '/users/v1/users',
    { preHandler: auth.require({ scopes: ['users.read'], company: true }) },
    async (request) => {
      const companyId = companyOf(auth, request);
      const users = store.list(companyId);
      return { data: { users }, paging: { total: users.length } };
    },
  );

  app.post(
    '/users/v1/users',
    { preHandler: auth.require({ scopes: ['users.write'], company: true }) },
    async (request, reply) => {
      const companyId = companyOf(auth, request);
      const parsed = parseNewUser(request.body);
      if ('fields' in parsed)
        return reply.code(400).header('Cache-Control', 'no-store').send({
          error: 'invalid_request',
          error_description: 'the user is not valid',
          fields: parsed.fields,
        });
      const created = store.create(companyId, parsed.user);
      if (created === 'duplicate')
        return sendJsonError(reply, 409, 'conflict', `a user with email ${parsed.user.email} exists`);
      if (created === 'full')
        return sendJsonError(
          reply,
          422,
          'limit_reached',
          `a demo company holds at most ${MAX_USERS_PER_COMPANY} users`,
        );
      reply.code(201).header('Location', `/users/v1/users/${created.id}`);
      return { data: { user: created } };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/users/v1/users/:id',
    { preHandler: auth.require({ scopes: ['users.delete'], company: true }) },
    async (request, reply) => {
      const companyId = companyOf(auth, request);
      const raw = request.params.id;
      const id = /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : Number.NaN;
      if (!Number.isSafeInteger(id) || !store.delete(companyId, id))
        return sendJsonError(reply, 404, 'not_found', `no user ${raw.slice(0, 40)}`);
      return reply.code(204).send();
    },
  );
}
