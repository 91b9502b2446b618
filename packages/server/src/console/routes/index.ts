import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { queryParams } from '../../http/page-input.ts';
import { seeOther } from '../../http/page-reply.ts';
import { type ConsoleDeps, companyBase } from '../context.ts';
import { sendConsoleError } from '../error-pages.ts';
import { signedIn } from '../guards.ts';
import { consoleAppEditRoutes } from './app-edit.ts';
import { consoleAppRoutes } from './apps.ts';
import { consoleAuditRoutes } from './audit.ts';
import { consoleConnectedAppRoutes } from './connected-apps.ts';
import { consoleInitialAccessTokenRoutes } from './initial-access-tokens.ts';
import { logoRoutes } from './logos.ts';
import { consoleMemberRoutes } from './members.ts';
import { consoleWebhookRoutes } from './webhooks.ts';

/**
 * The Integration Center at /console: server-rendered like the consent pages, every POST
 * CSRF-checked and answered with 303. Register inside a scope that has the cookie plugin
 * and raw form bodies (see http/app.ts).
 */
export async function consoleRoutes(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  await app.register(multipart, { throwFileSizeLimit: true });
  // /console and the company switcher: to the chosen (or first) company's apps.
  app.get('/console', { config: { jsonOnly: false } }, async (request: FastifyRequest, reply) => {
    const who = await signedIn(deps, request, reply);
    if (!who) return reply;
    const companies = await deps.gh.users.companies(who.user.id);
    const wanted = queryParams(request).get('company');
    const chosen = companies.find((c) => c.company.id === wanted) ?? companies[0];
    if (!chosen)
      return sendConsoleError(reply, 403, 'console.error.no_company_title', {
        key: 'console.error.no_company',
        vars: { email: who.user.email },
      });
    return seeOther(reply, `${companyBase(chosen.company.id)}/apps`);
  });
  consoleAppRoutes(app, deps);
  consoleAppEditRoutes(app, deps);
  consoleConnectedAppRoutes(app, deps);
  consoleAuditRoutes(app, deps);
  consoleWebhookRoutes(app, deps);
  consoleMemberRoutes(app, deps);
  consoleInitialAccessTokenRoutes(app, deps);
  logoRoutes(app, deps.gh.logos);
}
