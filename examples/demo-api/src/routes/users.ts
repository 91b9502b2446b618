import type { FastifyAuth } from '@gatehouse/resource-server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendJsonError } from '../errors.ts';
import { MAX_USERS_PER_COMPANY, type UsersStore } from '../users-store.ts';
import { parseNewUser } from '../validation.ts';

/**
 * The company whose data the request reaches: the token's `company_id`. A partner app's
 * token names no company; it will choose one per call with x-company-guid (not yet here).
 */
function companyOf(auth: FastifyAuth, request: FastifyRequest, reply: FastifyReply): string | undefined {
  const companyId = auth.claimsOf(request).company_id;
  if (companyId === undefined)
    sendJsonError(
      reply,
      403,
      'company_required',
      'this token is not bound to a company (partner-app tokens are not supported here yet)',
    );
  return companyId;
}

/** The Users API of the seed guides (Connecteam's /users/v1/users). */
export function userRoutes(app: FastifyInstance, opts: { auth: FastifyAuth; store: UsersStore }): void {
  const { auth, store } = opts;

  app.get('/users/v1/users', { preHandler: auth.requireScopes('users.read') }, async (request, reply) => {
    const companyId = companyOf(auth, request, reply);
    if (companyId === undefined) return reply;
    const users = store.list(companyId);
    return { data: { users }, paging: { total: users.length } };
  });

  app.post('/users/v1/users', { preHandler: auth.requireScopes('users.write') }, async (request, reply) => {
    const companyId = companyOf(auth, request, reply);
    if (companyId === undefined) return reply;
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
  });

  app.delete<{ Params: { id: string } }>(
    '/users/v1/users/:id',
    { preHandler: auth.requireScopes('users.delete') },
    async (request, reply) => {
      const companyId = companyOf(auth, request, reply);
      if (companyId === undefined) return reply;
      const raw = request.params.id;
      const id = /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : Number.NaN;
      if (!Number.isSafeInteger(id) || !store.delete(companyId, id))
        return sendJsonError(reply, 404, 'not_found', `no user ${raw.slice(0, 40)}`);
      return reply.code(204).send();
    },
  );
}
