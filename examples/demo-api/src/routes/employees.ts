import type { AuthContext, FastifyAuth, FastifyLikeRequest } from '@gatehouse/resource-server';
import { splitParameterized } from '@gatehouse/scopes';
import type { FastifyInstance } from 'fastify';
import { demoUuid, personName } from '../demo-data.ts';

const TEMPLATE = 'target-entity';

/**
 * The entity a Culture Amp style request is about: `?entity_id=`, or else the one entity
 * the request's effective `target-entity:<entity>:...` scopes name (none or several: none
 * chosen); with x-company-guid, only the entities the company's grant also holds.
 */
function entityOf(request: FastifyLikeRequest, auth: AuthContext): string | undefined {
  const query = (request as unknown as { query: Record<string, unknown> }).query;
  const asked = query.entity_id;
  if (typeof asked === 'string') return asked;
  const g = { parameterized: new Set([TEMPLATE]) };
  const entities = new Set(
    auth.scope.flatMap((s) => {
      const p = splitParameterized(s, g);
      return p ? [p.entity] : [];
    }),
  );
  return entities.size === 1 ? [...entities][0] : undefined;
}

/**
 * Culture Amp's GET /v1/employees: needs `employees-read` on the entity, held through a
 * parameterized scope `target-entity:<entity id>:employees-read,...`. Another entity's
 * employees are 403 insufficient_scope, whatever else the token holds.
 */
export function employeeRoutes(app: FastifyInstance, opts: { auth: FastifyAuth }): void {
  const { auth } = opts;
  app.get(
    '/v1/employees',
    { preHandler: auth.requireEntityPermission(entityOf, 'employees-read') },
    async (request) => {
      const entity = entityOf(request, auth.contextOf(request)) as string;
      const employees = Array.from({ length: 5 }, (_, i) => {
        const name = personName(`entity:${entity}`, i);
        return {
          id: demoUuid(`employee:${entity}:${i}`),
          entity_id: entity,
          ...name,
          email: `${name.first_name}.${name.last_name}.${i + 1}@example.com`.toLowerCase(),
        };
      });
      return { data: employees, pagination: { total: employees.length } };
    },
  );
}
