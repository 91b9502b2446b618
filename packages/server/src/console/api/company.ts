import { Type } from '@sinclair/typebox';
import { companyJson } from '../../companies/wire.ts';
import { type ApiRoute, route } from './route.ts';
import { DateTime } from './schemas.ts';

const CompanyView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    plan: Type.String(),
    created_at: DateTime,
    role: Type.Union([Type.Literal('admin'), Type.Literal('member')], { description: "the caller's role" }),
    features: Type.Object(
      {
        create_apps: Type.Boolean({ description: 'whether the plan lets admins create apps' }),
        grant_access: Type.Boolean({ description: 'whether the plan lets admins grant apps access' }),
      },
      { description: 'what the plan unlocks (GATEHOUSE_PLANS_CREATE_APPS, GATEHOUSE_PLANS_GRANT_ACCESS)' },
    ),
  },
  { description: "The caller's company" },
);

export const companyRoutes: ApiRoute[] = [
  route({
    method: 'GET',
    url: '/company',
    operationId: 'getCompany',
    summary: "The caller's company, its plan and what the plan unlocks",
    tag: 'company',
    schema: { response: { 200: CompanyView } },
    errors: [],
    async handler({ gh, caller }) {
      const company = await gh.companies.getCompany(caller.companyId);
      return {
        ...companyJson(company),
        role: caller.role,
        features: {
          create_apps: gh.access.planAllows(company, 'createApps'),
          grant_access: gh.access.planAllows(company, 'grantAccess'),
        },
      };
    },
  }),
];
