import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../errors.ts';
import { seeOther, sendPage } from '../../http/page-reply.ts';
import { html } from '../../pages/html.ts';
import type { ConsoleDeps } from '../context.ts';
import { adminOnly, sendConsoleError } from '../error-pages.ts';
import { consoleContext, consoleForm } from '../guards.ts';
import { confirmPage } from '../pages/confirm.ts';
import { connectedAppsPage } from '../pages/connected-apps.ts';

type CompanyReq = FastifyRequest<{ Params: { companyId: string } }>;
type GrantReq = FastifyRequest<{ Params: { companyId: string; grantId: string } }>;
const HTML = { config: { jsonOnly: false } };

/** Every grant to the company, and Revoke behind a confirmation (CompanyGrantService does the rest). */
export function consoleConnectedAppRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { gh } = deps;

  app.get('/console/c/:companyId/connected-apps', HTML, async (request: CompanyReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    if (!ctx) return reply;
    const rows = await gh.grants.connectedApps(ctx.company.id);
    const names = await gh.users.emailsOf(
      rows.flatMap((r) => (r.grant.grantedBy === null ? [] : [r.grant.grantedBy])),
    );
    return sendPage(reply, 200, connectedAppsPage(ctx, rows, names));
  });

  app.get('/console/c/:companyId/connected-apps/:grantId/revoke', HTML, async (request: GrantReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    if (!ctx) return reply;
    if (!ctx.isAdmin) return adminOnly(reply, ctx);
    let row: Awaited<ReturnType<typeof gh.grants.get>>;
    try {
      row = await gh.grants.get(ctx.company.id, request.params.grantId);
    } catch (err) {
      if (err instanceof NotFoundError)
        return sendConsoleError(reply, 404, 'console.error.grant_not_found_title', {
          key: 'console.error.grant_not_found',
        });
      throw err;
    }
    if (row.grant.revokedAt) return seeOther(reply, `${ctx.base}/connected-apps`);
    return sendPage(
      reply,
      200,
      confirmPage({
        ctx,
        section: 'connected',
        title: `Revoke access for ${row.app.name}?`,
        message: html`<p>${row.app.name} loses access to ${ctx.company.name} at once: its tokens for this company stop working and its refresh tokens are refused. To connect again, an administrator must grant access anew.</p>`,
        action: `${ctx.base}/connected-apps/${row.grant.id}/revoke`,
        submit: 'Revoke access',
        cancel: `${ctx.base}/connected-apps`,
        danger: true,
      }),
    );
  });

  app.post('/console/c/:companyId/connected-apps/:grantId/revoke', HTML, async (request: GrantReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    const form = ctx && (await consoleForm(ctx, request, reply));
    if (!ctx || !form) return reply;
    if (!ctx.isAdmin) return adminOnly(reply, ctx);
    try {
      await gh.grants.revoke(ctx.company.id, request.params.grantId, ctx.actor);
    } catch (err) {
      // Already revoked (a second click, another tab): the list shows it as revoked.
      if (!(err instanceof NotFoundError)) throw err;
    }
    return seeOther(reply, `${ctx.base}/connected-apps`);
  });
}
