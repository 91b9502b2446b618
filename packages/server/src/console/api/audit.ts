import { Type } from '@sinclair/typebox';
import { auditEventJson } from '../../audit/wire.ts';
import { type ApiRoute, route } from './route.ts';
import { DateTime, PageOf, PageQuery } from './schemas.ts';

const AuditEventView = Type.Object(
  {
    id: Type.String(),
    actor: Type.String({
      description: '`user:<id>`, `admin_key:<id>`, `operator_key:<id>`, `cli` or `system`',
    }),
    action: Type.String({ description: 'e.g. app.created, app.secret_rotated, grant.revoked' }),
    target: Type.Union([Type.String(), Type.Null()], { description: 'e.g. `app:<id>`' }),
    data: Type.Record(Type.String(), Type.Unknown()),
    created_at: DateTime,
    company_deleted: Type.Optional(
      Type.Literal(true, { description: 'present on the kept events of a company since deleted' }),
    ),
  },
  { description: 'Who did what, and when' },
);

export const auditRoutes: ApiRoute[] = [
  route({
    method: 'GET',
    url: '/audit-events',
    operationId: 'listAuditEvents',
    summary: "The company's audit log, newest first, filterable by action and target",
    tag: 'audit',
    schema: {
      querystring: Type.Object(
        {
          ...PageQuery,
          action: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'exact action' })),
          target: Type.Optional(
            Type.String({ minLength: 1, maxLength: 200, description: 'exact target, e.g. app:app_123' }),
          ),
        },
        { additionalProperties: false },
      ),
      response: { 200: PageOf(AuditEventView, 'A page of audit events') },
    },
    errors: [400],
    async handler({ gh, caller, query }) {
      const page = await gh.audit.list(caller.companyId, query);
      return { items: page.items.map(auditEventJson), next: page.next };
    },
  }),
];
