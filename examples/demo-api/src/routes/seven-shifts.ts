import type { FastifyAuth } from '@gatehouse/resource-server';
import type { FastifyInstance } from 'fastify';
import { companyName } from '../demo-data.ts';
import { companyOf } from '../errors.ts';

/**
 * The 7shifts guide's calls: a partner's client-credentials token (scope `v1_access`) plus
 * `x-company-guid: <grant GUID>` naming the company. The token alone names no company; the
 * grant must be active and belong to the token's app (the SDK asks Gatehouse and follows
 * its revocation feed). Internal apps' tokens reach their own company without the header.
 */
export function sevenShiftsRoutes(app: FastifyInstance, opts: { auth: FastifyAuth }): void {
  const { auth } = opts;
  const guard = { preHandler: auth.require({ scopes: ['v1_access'], company: true }) };

  app.get('/v2/whoami', guard, async (request) => {
    const { claims, grant, scope } = auth.contextOf(request);
    const companyId = companyOf(auth, request);
    return {
      data: {
        identity_id: claims.sub,
        client_id: claims.client_id,
        company: { id: companyId, name: companyName(companyId) },
        ...(grant ? { company_guid: grant.guid } : {}),
        // What this call may do: the token's scope narrowed to what the company granted.
        scope: scope.join(' '),
      },
    };
  });

  app.get('/v2/companies', guard, async (request) => {
    const companyId = companyOf(auth, request);
    const { grant } = auth.contextOf(request);
    return {
      data: [
        {
          id: companyId,
          name: companyName(companyId),
          ...(grant ? { guid: grant.guid } : {}),
          country: 'CA',
          status: 'active',
        },
      ],
      meta: { cursor: { next: null, prev: null } },
    };
  });
}
