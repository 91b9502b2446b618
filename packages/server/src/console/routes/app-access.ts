import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppWithSecrets } from '../../apps/app-service.ts';
import { NotFoundError } from '../../errors.ts';
import type { ConsoleContext, ConsoleDeps } from '../context.ts';
import { adminOnly, sendConsoleError } from '../error-pages.ts';
import { consoleContext } from '../guards.ts';

export type AppReq = FastifyRequest<{ Params: { companyId: string; appId: string } }>;

/** The app of this company, or a 404 page. */
export async function loadApp(deps: ConsoleDeps, ctx: ConsoleContext, appId: string, reply: FastifyReply) {
  const app = await deps.gh.apps.get(ctx.company.id, appId).catch((err: unknown) => {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  });
  if (!app)
    await sendConsoleError(reply, 404, 'console.error.app_not_found_title', {
      key: 'console.error.app_not_found',
    });
  return app;
}

/**
 * For an admin's page about one app (edit, rotate, delete): the context and the app, or
 * undefined after answering for the route (sign-in, 404, or the admin-only page).
 */
export async function adminApp(
  deps: ConsoleDeps,
  request: AppReq,
  reply: FastifyReply,
): Promise<{ ctx: ConsoleContext; app: AppWithSecrets } | undefined> {
  const ctx = await consoleContext(deps, request, reply);
  const app = ctx && (await loadApp(deps, ctx, request.params.appId, reply));
  if (!ctx || !app) return undefined;
  if (!ctx.isAdmin) return void (await adminOnly(reply, ctx));
  return { ctx, app };
}
