import { Type } from '@sinclair/typebox';
import { userJson } from '../../users/wire.ts';
import { ExternalId } from './operator-companies.ts';
import { type ApiRoute, route } from './route.ts';
import { DateTime, IdParams, NullableDateTime, PageOf, PageQuery } from './schemas.ts';

const Email = Type.String({
  minLength: 3,
  maxLength: 254,
  description: 'sign-in address, unique in any case',
});
const Password = Type.String({ minLength: 12, maxLength: 1024, description: '12 to 1024 characters' });

export const UserRecord = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    external_id: Type.Union([Type.String(), Type.Null()]),
    email_verified: Type.Boolean({
      description: 'whether the address is verified (id_tokens and userinfo say so only then)',
    }),
    has_password: Type.Boolean({ description: 'whether the user can sign in with a password' }),
    disabled: Type.Boolean({ description: 'a disabled user cannot sign in' }),
    disabled_at: NullableDateTime,
    created_at: DateTime,
  },
  { description: 'A user (never the password or its hash)' },
);

const opt = <K extends string, V>(key: K, v: V | undefined) =>
  (v === undefined ? {} : { [key]: v }) as Partial<Record<K, V>>;

const TAG = 'operator: users';

/** Disable and enable: the same route but for the flag. */
const toggle = (disabled: boolean) =>
  route({
    method: 'POST',
    url: `/users/:id/${disabled ? 'disable' : 'enable'}`,
    operationId: disabled ? 'disableUser' : 'enableUser',
    summary: disabled
      ? 'Disable a user: they cannot sign in, their sessions end and their refresh tokens are revoked at once'
      : 'Enable a disabled user: they can sign in again',
    tag: TAG,
    operator: true,
    schema: { params: IdParams('user'), response: { 200: UserRecord } },
    errors: [400, 403, 404],
    async handler({ gh, caller, params }) {
      return userJson(await gh.userAdmin.setDisabled(params.id, disabled, caller.actor));
    },
  });

export const operatorUserRoutes: ApiRoute[] = [
  route({
    method: 'POST',
    url: '/users',
    operationId: 'createUser',
    summary: 'Create a user, with a password or without one (operator key)',
    tag: TAG,
    operator: true,
    schema: {
      body: Type.Object(
        {
          email: Email,
          password: Type.Optional(Password),
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          external_id: Type.Optional(ExternalId),
          email_verified: Type.Optional(
            Type.Boolean({ description: 'true when your application has verified the address' }),
          ),
        },
        { additionalProperties: false },
      ),
      response: { 201: UserRecord },
    },
    errors: [400, 403, 409],
    async handler({ gh, caller, body, reply }) {
      const user = await gh.companies.createUser(
        {
          email: body.email,
          ...opt('password', body.password),
          ...opt('name', body.name),
          ...opt('externalId', body.external_id),
          ...opt('emailVerified', body.email_verified),
        },
        caller.actor,
      );
      reply.code(201).header('Location', `/api/v1/users/${user.id}`);
      return userJson(user);
    },
  }),
  route({
    method: 'GET',
    url: '/users',
    operationId: 'listUsers',
    summary: 'Every user, newest first; search by e-mail address or external id (operator key)',
    tag: TAG,
    operator: true,
    schema: {
      querystring: Type.Object(
        { ...PageQuery, email: Type.Optional(Email), external_id: Type.Optional(ExternalId) },
        { additionalProperties: false },
      ),
      response: { 200: PageOf(UserRecord, 'A page of users') },
    },
    errors: [400, 403],
    async handler({ gh, query }) {
      const page = await gh.userAdmin.page({
        ...opt('limit', query.limit),
        ...opt('cursor', query.cursor),
        ...opt('email', query.email),
        ...opt('externalId', query.external_id),
      });
      return { items: page.items.map(userJson), next: page.next };
    },
  }),
  route({
    method: 'GET',
    url: '/users/:id',
    operationId: 'getUser',
    summary: 'One user (operator key)',
    tag: TAG,
    operator: true,
    schema: { params: IdParams('user'), response: { 200: UserRecord } },
    errors: [400, 403, 404],
    async handler({ gh, params }) {
      return userJson(await gh.userAdmin.get(params.id));
    },
  }),
  route({
    method: 'PATCH',
    url: '/users/:id',
    operationId: 'updateUser',
    summary:
      "Change a user's e-mail address, name, external id or whether the address is verified (operator key)",
    tag: TAG,
    operator: true,
    schema: {
      params: IdParams('user'),
      body: Type.Object(
        {
          email: Type.Optional(Email),
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          external_id: Type.Optional(
            Type.Union([ExternalId, Type.Null()], { description: 'null clears it' }),
          ),
          email_verified: Type.Optional(
            Type.Boolean({
              description:
                'mark the address verified or not; a changed address is unverified unless this says so',
            }),
          ),
        },
        { additionalProperties: false, minProperties: 1 },
      ),
      response: { 200: UserRecord },
    },
    errors: [400, 403, 404, 409],
    async handler({ gh, caller, params, body }) {
      const user = await gh.userAdmin.update(
        params.id,
        {
          ...opt('email', body.email),
          ...opt('name', body.name),
          ...opt('externalId', body.external_id),
          ...opt('emailVerified', body.email_verified),
        },
        caller.actor,
      );
      return userJson(user);
    },
  }),
  route({
    method: 'PUT',
    url: '/users/:id/password',
    operationId: 'setUserPassword',
    summary: "Set a user's password (operator key)",
    tag: TAG,
    operator: true,
    schema: {
      params: IdParams('user'),
      body: Type.Object({ password: Password }, { additionalProperties: false }),
      response: { 204: null },
    },
    errors: [400, 403, 404],
    async handler({ gh, caller, params, body, reply }) {
      await gh.userAdmin.setPassword(params.id, body.password, caller.actor);
      reply.code(204);
      return null;
    },
  }),
  toggle(true),
  toggle(false),
  route({
    method: 'DELETE',
    url: '/users/:id',
    operationId: 'deleteUser',
    summary:
      'Delete a user: their sessions end and refresh tokens are revoked at once; the company grants they gave stay',
    tag: TAG,
    operator: true,
    schema: { params: IdParams('user'), response: { 204: null } },
    errors: [400, 403, 404],
    async handler({ gh, caller, params, reply }) {
      await gh.userAdmin.delete(params.id, caller.actor);
      reply.code(204);
      return null;
    },
  }),
];
