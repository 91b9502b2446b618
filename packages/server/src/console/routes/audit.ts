import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidCursor } from '../../errors.ts';
import { queryParams } from '../../http/page-input.ts';
import { sendPage } from '../../http/page-reply.ts';
import type { ConsoleDeps } from '../context.ts';
import { sendConsoleError } from '../error-pages.ts';
import { consoleContext } from '../guards.ts';
import { AUDIT_ACTIONS, auditLogPage } from '../pages/audit-log.ts';

type CompanyReq = FastifyRequest<{ Params: { companyId: string } }>;

/** The company's audit log, 50 events a page. */
export function consoleAuditRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get(
    '/console/c/:companyId/audit',
    { config: { jsonOnly: false } },
    async (request: CompanyReq, reply) => {
      const ctx = await consoleContext(deps, request, reply);
      if (!ctx) return reply;
      const q = queryParams(request);
      const action = (AUDIT_ACTIONS as readonly (string | undefined)[]).includes(q.get('action'))
        ? (q.get('action') as string)
        : '';
      const target = (q.get('target') ?? '').trim().slice(0, 200);
      const cursor = q.get('cursor');
      let page: Awaited<ReturnType<typeof deps.gh.audit.list>>;
      try {
        page = await deps.gh.audit.list(ctx.company.id, {
          limit: 50,
          ...(action ? { action } : {}),
          ...(target ? { target } : {}),
          ...(cursor ? { cursor } : {}),
        });
      } catch (err) {
        if (err instanceof InvalidCursor)
          return sendConsoleError(reply, 400, 'console.error.page_link_title', {
            key: 'console.error.page_link',
          });
        throw err;
      }
      const actors = await deps.gh.users.emailsOf(page.items.map((e) => e.actor));
      return sendPage(
        reply,
        200,
        auditLogPage({ ctx, events: page.items, actors, action, target, next: page.next }),
      );
    },
  );
}
