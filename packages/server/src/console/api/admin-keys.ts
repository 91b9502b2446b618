import { Type } from '@sinclair/typebox';
import { adminKeyJson } from '../../companies/wire.ts';
import { type ApiRoute, route } from './route.ts';
import { DateTime, IdParams, NullableDateTime } from './schemas.ts';

const keyProps = {
  id: Type.String(),
  name: Type.String(),
  last4: Type.String({ description: 'the key itself is shown only at creation' }),
  created_by: Type.String(),
  created_at: DateTime,
  last_used_at: NullableDateTime,
  revoked_at: NullableDateTime,
};
const AdminKeyView = Type.Object(keyProps, { description: 'An admin API key (never the key itself)' });
const AdminKeyWithSecret = Type.Object(
  { ...keyProps, key: Type.String({ description: 'gtha_...: shown this once; only its hash is kept' }) },
  { description: 'A new admin key' },
);

export const adminKeyRoutes: ApiRoute[] = [
  route({
    method: 'GET',
    url: '/admin-keys',
    operationId: 'listAdminKeys',
    summary: "The company's admin API keys, revoked ones included",
    tag: 'admin keys',
    schema: { response: { 200: Type.Object({ items: Type.Array(AdminKeyView) }) } },
    errors: [],
    async handler({ gh, caller }) {
      return { items: (await gh.adminKeys.list(caller.companyId)).map(adminKeyJson) };
    },
  }),
  route({
    method: 'POST',
    url: '/admin-keys',
    operationId: 'createAdminKey',
    summary: 'Create an admin key for this company; the response carries the key, once',
    tag: 'admin keys',
    schema: {
      body: Type.Object(
        { name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) },
        { additionalProperties: false },
      ),
      response: { 201: AdminKeyWithSecret },
    },
    errors: [400, 403],
    async handler({ gh, caller, body, reply }) {
      const { key, secret } = await gh.adminKeys.create(
        { companyId: caller.companyId, ...(body.name !== undefined ? { name: body.name } : {}) },
        caller.actor,
      );
      reply.code(201);
      return { ...adminKeyJson(key), key: secret };
    },
  }),
  route({
    method: 'DELETE',
    url: '/admin-keys/:id',
    operationId: 'revokeAdminKey',
    summary: 'Revoke an admin key: it stops working at once',
    tag: 'admin keys',
    schema: { params: IdParams('admin key'), response: { 204: null } },
    errors: [400, 403, 404],
    async handler({ gh, caller, params, reply }) {
      await gh.adminKeys.revoke(caller.companyId, params.id, caller.actor);
      reply.code(204);
      return null;
    },
  }),
];
