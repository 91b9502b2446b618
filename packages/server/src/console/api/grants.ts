import { Type } from '@sinclair/typebox';
import type { ConnectedApp } from '../../consents/company-grant-service.ts';
import { type ApiRoute, route } from './route.ts';
import { DateTime, IdParams, NullableDateTime, PageOf, PageQuery } from './schemas.ts';

const GrantView = Type.Object(
  {
    id: Type.String(),
    guid: Type.String({ description: 'the company GUID partners send in x-company-guid' }),
    status: Type.Union([Type.Literal('active'), Type.Literal('revoked')]),
    scopes: Type.Array(Type.String()),
    granted_by: Type.Union([Type.String(), Type.Null()]),
    created_at: DateTime,
    updated_at: DateTime,
    revoked_at: NullableDateTime,
    last_used_at: NullableDateTime,
    app: Type.Object({
      id: Type.String(),
      client_id: Type.String(),
      name: Type.String(),
      logo_url: Type.Union([Type.String(), Type.Null()]),
      type: Type.String(),
      owner_company_id: Type.String(),
    }),
  },
  { description: 'Access this company gave an app (a connected app)' },
);

function grantJson({ grant, app }: ConnectedApp) {
  return {
    id: grant.id,
    guid: grant.guid,
    status: grant.revokedAt === null ? 'active' : 'revoked',
    scopes: grant.scopes,
    granted_by: grant.grantedBy,
    created_at: grant.createdAt.toISOString(),
    updated_at: grant.updatedAt.toISOString(),
    revoked_at: grant.revokedAt?.toISOString() ?? null,
    last_used_at: grant.lastUsedAt?.toISOString() ?? null,
    app: {
      id: app.id,
      client_id: app.clientId,
      name: app.name,
      logo_url: app.logoUrl,
      type: app.type,
      owner_company_id: app.companyId,
    },
  };
}

export const grantRoutes: ApiRoute[] = [
  route({
    method: 'GET',
    url: '/grants',
    operationId: 'listGrants',
    summary: 'Apps this company gave access to (connected apps), newest first',
    tag: 'grants',
    schema: {
      querystring: Type.Object(
        {
          ...PageQuery,
          status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('revoked')])),
        },
        { additionalProperties: false },
      ),
      response: { 200: PageOf(GrantView, 'A page of grants') },
    },
    errors: [400],
    async handler({ gh, caller, query }) {
      const page = await gh.grants.page(caller.companyId, {
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        ...(query.status !== undefined ? { active: query.status === 'active' } : {}),
      });
      return { items: page.items.map(grantJson), next: page.next };
    },
  }),
  route({
    method: 'GET',
    url: '/grants/:id',
    operationId: 'getGrant',
    summary: 'One grant with its app',
    tag: 'grants',
    schema: { params: IdParams('grant'), response: { 200: GrantView } },
    errors: [400, 404],
    async handler({ gh, caller, params }) {
      return grantJson(await gh.grants.get(caller.companyId, params.id));
    },
  }),
  route({
    method: 'POST',
    url: '/grants/:id/revoke',
    operationId: 'revokeGrant',
    summary: "Revoke a grant: the app's tokens for this company stop working within about a second",
    tag: 'grants',
    schema: { params: IdParams('grant'), response: { 200: GrantView } },
    errors: [400, 403, 404],
    async handler({ gh, caller, params }) {
      await gh.grants.revoke(caller.companyId, params.id, caller.actor);
      return grantJson(await gh.grants.get(caller.companyId, params.id));
    },
  }),
];
