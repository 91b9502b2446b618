import { Type } from '@sinclair/typebox';
import { PLANS } from '../../companies/company-service.ts';
import { companyJson } from '../../companies/wire.ts';
import { type ApiRoute, route } from './route.ts';
import { DateTime, IdParams, PageOf, PageQuery } from './schemas.ts';

export const ExternalId = Type.String({
  minLength: 1,
  maxLength: 255,
  description: "your own id for it (unique among its kind), e.g. the customer's id in your database",
});
const NullableExternalId = Type.Union([ExternalId, Type.Null()], { description: 'null clears it' });
const Plan = Type.Union(
  PLANS.map((p) => Type.Literal(p)),
  {
    description:
      'the plan: what it unlocks follows GATEHOUSE_PLANS_CREATE_APPS and GATEHOUSE_PLANS_GRANT_ACCESS',
  },
);

export const CompanyRecord = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    plan: Type.String(),
    external_id: Type.Union([Type.String(), Type.Null()]),
    created_at: DateTime,
  },
  { description: 'A company' },
);

const opt = <K extends string, V>(key: K, v: V | undefined) =>
  (v === undefined ? {} : { [key]: v }) as Partial<Record<K, V>>;

export const operatorCompanyRoutes: ApiRoute[] = [
  route({
    method: 'POST',
    url: '/companies',
    operationId: 'createCompany',
    summary: 'Create a company (operator key)',
    tag: 'operator: companies',
    operator: true,
    schema: {
      body: Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 100 }),
          plan: Type.Optional(Plan),
          external_id: Type.Optional(ExternalId),
        },
        { additionalProperties: false },
      ),
      response: { 201: CompanyRecord },
    },
    errors: [400, 403, 409],
    async handler({ gh, caller, body, reply }) {
      const company = await gh.companies.createCompany(
        { name: body.name, ...opt('plan', body.plan), ...opt('externalId', body.external_id) },
        caller.actor,
      );
      reply.code(201).header('Location', `/api/v1/companies/${company.id}`);
      return companyJson(company);
    },
  }),
  route({
    method: 'GET',
    url: '/companies',
    operationId: 'listCompanies',
    summary: 'Every company, newest first; search by part of the name or by external id (operator key)',
    tag: 'operator: companies',
    operator: true,
    schema: {
      querystring: Type.Object(
        {
          ...PageQuery,
          name: Type.Optional(
            Type.String({ minLength: 1, maxLength: 100, description: 'part of the name, any case' }),
          ),
          external_id: Type.Optional(ExternalId),
        },
        { additionalProperties: false },
      ),
      response: { 200: PageOf(CompanyRecord, 'A page of companies') },
    },
    errors: [400, 403],
    async handler({ gh, query }) {
      const page = await gh.companies.pageCompanies({
        ...opt('limit', query.limit),
        ...opt('cursor', query.cursor),
        ...opt('name', query.name),
        ...opt('externalId', query.external_id),
      });
      return { items: page.items.map(companyJson), next: page.next };
    },
  }),
  route({
    method: 'GET',
    url: '/companies/:id',
    operationId: 'getCompanyById',
    summary: 'One company (operator key)',
    tag: 'operator: companies',
    operator: true,
    schema: { params: IdParams('company'), response: { 200: CompanyRecord } },
    errors: [400, 403, 404],
    async handler({ gh, params }) {
      return companyJson(await gh.companies.getCompany(params.id));
    },
  }),
  route({
    method: 'PATCH',
    url: '/companies/:id',
    operationId: 'updateCompany',
    summary: 'Rename a company, change its plan (in effect for the next authorization) or its external id',
    tag: 'operator: companies',
    operator: true,
    schema: {
      params: IdParams('company'),
      body: Type.Object(
        {
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          plan: Type.Optional(Plan),
          external_id: Type.Optional(NullableExternalId),
        },
        { additionalProperties: false, minProperties: 1 },
      ),
      response: { 200: CompanyRecord },
    },
    errors: [400, 403, 404, 409],
    async handler({ gh, caller, params, body }) {
      const company = await gh.companies.updateCompany(
        params.id,
        { ...opt('name', body.name), ...opt('plan', body.plan), ...opt('externalId', body.external_id) },
        caller.actor,
      );
      return companyJson(company);
    },
  }),
  route({
    method: 'DELETE',
    url: '/companies/:id',
    operationId: 'deleteCompany',
    summary:
      'Delete a company: its apps, keys, webhooks and memberships go, every grant it gave and every token of its apps is revoked, its audit log is kept. 409 while other companies rely on its partner apps, unless force=true',
    tag: 'operator: companies',
    operator: true,
    schema: {
      params: IdParams('company'),
      querystring: Type.Object(
        {
          force: Type.Optional(
            Type.Boolean({
              default: false,
              description: 'delete even partner apps other companies have granted (their grants are revoked)',
            }),
          ),
        },
        { additionalProperties: false },
      ),
      response: { 204: null },
    },
    errors: [400, 403, 404, 409],
    async handler({ gh, caller, params, query, reply }) {
      await gh.companyDeletion.delete(params.id, { force: query.force === true }, caller.actor);
      reply.code(204);
      return null;
    },
  }),
];
