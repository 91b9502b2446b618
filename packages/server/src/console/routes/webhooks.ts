import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { seeOther, sendPage } from '../../http/page-reply.ts';
import { html } from '../../pages/html.ts';
import type { ConsoleContext, ConsoleDeps } from '../context.ts';
import { adminOnly, sendConsoleError } from '../error-pages.ts';
import { setSecretFlash, takeSecretFlash } from '../flash.ts';
import { consoleContext, consoleForm } from '../guards.ts';
import { deletePage } from '../pages/confirm.ts';
import { webhookDetailPage, webhookNewPage, webhookSecretPage, webhooksPage } from '../pages/webhooks.ts';

type CompanyReq = FastifyRequest<{ Params: { companyId: string } }>;
type EndpointReq = FastifyRequest<{ Params: { companyId: string; endpointId: string } }>;
const HTML = { config: { jsonOnly: false } };

/** Webhook endpoints: list, add (secret once), deliveries with their attempts, delete. */
export function consoleWebhookRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { gh } = deps;

  async function load(ctx: ConsoleContext, id: string, reply: FastifyReply) {
    try {
      return await gh.webhooks.get(ctx.company.id, id);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      await sendConsoleError(reply, 404, 'console.error.endpoint_not_found_title', {
        key: 'console.error.endpoint_not_found',
      });
      return undefined;
    }
  }

  app.get('/console/c/:companyId/webhooks', HTML, async (request: CompanyReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    if (!ctx) return reply;
    return sendPage(reply, 200, webhooksPage(ctx, await gh.webhooks.list(ctx.company.id)));
  });

  app.get('/console/c/:companyId/webhooks/new', HTML, async (request: CompanyReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    if (!ctx) return reply;
    if (!ctx.isAdmin) return adminOnly(reply, ctx);
    return sendPage(reply, 200, webhookNewPage(ctx, { url: '', events: ['*'], description: '' }, {}));
  });

  app.post('/console/c/:companyId/webhooks', HTML, async (request: CompanyReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    const form = ctx && (await consoleForm(ctx, request, reply));
    if (!ctx || !form) return reply;
    if (!ctx.isAdmin) return adminOnly(reply, ctx);
    const draft = {
      url: (form.get('url') ?? '').trim(),
      events: form.getAll('event'),
      description: form.get('description') ?? '',
    };
    try {
      const { endpoint, secret } = await gh.webhooks.create(
        { companyId: ctx.company.id, ...draft },
        ctx.actor,
      );
      await setSecretFlash(deps, reply, ctx, { kind: 'webhook', id: endpoint.id, secret });
      return seeOther(reply, `${ctx.base}/webhooks/${endpoint.id}/secret`);
    } catch (err) {
      if (err instanceof ValidationError) return sendPage(reply, 400, webhookNewPage(ctx, draft, err.fields));
      throw err;
    }
  });

  app.get('/console/c/:companyId/webhooks/:endpointId/secret', HTML, async (request: EndpointReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    const endpoint = ctx && (await load(ctx, request.params.endpointId, reply));
    if (!ctx || !endpoint) return reply;
    const secret = await takeSecretFlash(deps, request, reply, ctx, 'webhook', endpoint.id);
    if (secret === undefined) return seeOther(reply, `${ctx.base}/webhooks/${endpoint.id}`);
    return sendPage(reply, 200, webhookSecretPage(ctx, endpoint, secret));
  });

  app.get('/console/c/:companyId/webhooks/:endpointId', HTML, async (request: EndpointReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    const endpoint = ctx && (await load(ctx, request.params.endpointId, reply));
    if (!ctx || !endpoint) return reply;
    const page = await gh.webhooks.deliveries(ctx.company.id, { endpointId: endpoint.id, limit: 25 });
    const rows = [];
    for (const delivery of page.items)
      rows.push({ delivery, attempts: await gh.webhooks.attempts(ctx.company.id, delivery.id) });
    return sendPage(reply, 200, webhookDetailPage(ctx, endpoint, rows));
  });

  app.get('/console/c/:companyId/webhooks/:endpointId/delete', HTML, async (request: EndpointReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    const endpoint = ctx && (await load(ctx, request.params.endpointId, reply));
    if (!ctx || !endpoint) return reply;
    if (!ctx.isAdmin) return adminOnly(reply, ctx);
    const message = html`<p>${endpoint.url} stops receiving events, and its pending deliveries are dropped.</p>`;
    const path = `${ctx.base}/webhooks/${endpoint.id}`;
    return sendPage(
      reply,
      200,
      deletePage(ctx, 'webhooks', 'Delete this endpoint?', message, path, 'Delete endpoint'),
    );
  });

  app.post('/console/c/:companyId/webhooks/:endpointId/delete', HTML, async (request: EndpointReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    const form = ctx && (await consoleForm(ctx, request, reply));
    if (!ctx || !form) return reply;
    if (!ctx.isAdmin) return adminOnly(reply, ctx);
    try {
      await gh.webhooks.delete(ctx.company.id, request.params.endpointId, ctx.actor);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
    return seeOther(reply, `${ctx.base}/webhooks`);
  });
}
