import { Type } from '@sinclair/typebox';
import { initialAccessTokenJson } from '../../registration/wire.ts';
import { type ApiRoute, route } from './route.ts';
import { DateTime, IdParams, NullableDateTime } from './schemas.ts';

const NullableList = (description: string) =>
  Type.Union([Type.Array(Type.String()), Type.Null()], { description });

const tokenProps = {
  id: Type.String(),
  name: Type.String(),
  last4: Type.String({ description: 'the token itself is shown only at creation' }),
  allowed_grant_types: NullableList('grant types a registered app may use; null: any the server serves'),
  allowed_scopes: NullableList('scopes a registered app may hold; null: any of the catalog'),
  redirect_uri_patterns: NullableList(
    'exact redirect URIs, or prefixes ending in "/*" (https://app.example/*); null: any valid redirect URI',
  ),
  max_apps: Type.Union([Type.Integer(), Type.Null()], {
    description: 'how many apps it may register; null: no limit',
  }),
  uses: Type.Integer({ description: 'how many apps it has registered' }),
  status: Type.Union(
    [Type.Literal('active'), Type.Literal('expired'), Type.Literal('used_up'), Type.Literal('revoked')],
    { description: 'whether it can register an app now' },
  ),
  expires_at: NullableDateTime,
  created_by: Type.String(),
  created_at: DateTime,
  revoked_at: NullableDateTime,
};
const TokenView = Type.Object(tokenProps, {
  description: 'An RFC 7591 initial access token (never the token itself)',
});
const TokenWithSecret = Type.Object(
  {
    ...tokenProps,
    token: Type.String({ description: 'gthia_...: shown this once; only its hash is kept' }),
  },
  { description: 'A new initial access token' },
);

const OptionalList = (description: string, maxItems: number) =>
  Type.Optional(
    Type.Union(
      [Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { minItems: 1, maxItems }), Type.Null()],
      {
        description,
      },
    ),
  );

export const initialAccessTokenRoutes: ApiRoute[] = [
  route({
    method: 'GET',
    url: '/initial-access-tokens',
    operationId: 'listInitialAccessTokens',
    summary: "The company's initial access tokens for dynamic client registration, revoked ones included",
    tag: 'initial access tokens',
    schema: { response: { 200: Type.Object({ items: Type.Array(TokenView) }) } },
    errors: [],
    async handler({ gh, caller }) {
      return { items: (await gh.initialAccessTokens.list(caller.companyId)).map(initialAccessTokenJson) };
    },
  }),
  route({
    method: 'POST',
    url: '/initial-access-tokens',
    operationId: 'createInitialAccessToken',
    summary:
      'Create an initial access token with which software may register apps in this company (RFC 7591); the response carries the token, once',
    tag: 'initial access tokens',
    schema: {
      body: Type.Object(
        {
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          allowed_grant_types: OptionalList(
            'grant types a registered app may use; absent or null: no limit',
            10,
          ),
          allowed_scopes: OptionalList('scopes a registered app may hold; absent or null: no limit', 200),
          redirect_uri_patterns: OptionalList(
            'exact redirect URIs or prefixes ending in "/*"; absent or null: no limit',
            50,
          ),
          max_apps: Type.Optional(
            Type.Union([Type.Integer({ minimum: 1, maximum: 10_000 }), Type.Null()], {
              description: 'how many apps it may register; absent or null: no limit',
            }),
          ),
          expires_in: Type.Optional(
            Type.Integer({
              minimum: 60,
              maximum: 365 * 86_400,
              description: 'seconds until it expires (default 30 days, at most a year)',
            }),
          ),
        },
        { additionalProperties: false },
      ),
      response: { 201: TokenWithSecret },
    },
    errors: [400, 403],
    async handler({ gh, caller, body, reply }) {
      await gh.access.requirePlan(caller.companyId, 'createApps');
      const { token, secret } = await gh.initialAccessTokens.create(
        {
          companyId: caller.companyId,
          ...(body.name !== undefined ? { name: body.name } : {}),
          allowedGrantTypes: body.allowed_grant_types ?? null,
          allowedScopes: body.allowed_scopes ?? null,
          redirectUriPatterns: body.redirect_uri_patterns ?? null,
          maxApps: body.max_apps ?? null,
          ...(body.expires_in !== undefined ? { expiresIn: body.expires_in } : {}),
        },
        caller.actor,
      );
      reply.code(201);
      return { ...initialAccessTokenJson(token), token: secret };
    },
  }),
  route({
    method: 'DELETE',
    url: '/initial-access-tokens/:id',
    operationId: 'revokeInitialAccessToken',
    summary: 'Revoke an initial access token: it registers no more apps (the apps it registered stay)',
    tag: 'initial access tokens',
    schema: { params: IdParams('initial access token'), response: { 204: null } },
    errors: [400, 403, 404],
    async handler({ gh, caller, params, reply }) {
      await gh.initialAccessTokens.revoke(caller.companyId, params.id, caller.actor);
      reply.code(204);
      return null;
    },
  }),
];
