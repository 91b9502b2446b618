import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { logoPath } from '../../apps/logo.ts';
import { type AppInput, validateAppInput } from '../../apps/validation.ts';
import { SessionService } from '../../authorization/session-service.ts';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../../errors.ts';
import { queryParams } from '../../http/page-input.ts';
import { seeOther, sendPage } from '../../http/page-reply.ts';
import { DEVICE_CODE_GRANT } from '../../oauth/device-codes.ts';
import { html } from '../../pages/html.ts';
import type { ConsoleContext, ConsoleDeps } from '../context.ts';
import { adminOnly, csrfFailed, sendConsoleError } from '../error-pages.ts';
import { setSecretFlash, takeSecretFlash } from '../flash.ts';
import { consoleContext, consoleForm } from '../guards.ts';
import { formLines, formSeconds, logoErrors, one, readAppForm } from '../multipart-form.ts';
import { type AppDraft, appCreatePage, EMPTY_DRAFT } from '../pages/app-create.ts';
import { appDetailPage } from '../pages/app-detail.ts';
import { appSecretPage } from '../pages/app-secret.ts';
import { appsListPage } from '../pages/apps-list.ts';
import { confirmPage, deletePage, GRACE_CHOICES, graceSelect } from '../pages/confirm.ts';
import { type FormProblems, knownProblems } from '../pages/form-problems.ts';
import { planRequiredPage } from '../pages/message.ts';
import { type AppReq, adminApp, loadApp } from './app-access.ts';

type CompanyReq = FastifyRequest<{ Params: { companyId: string } }>;
const HTML = { config: { jsonOnly: false } };

function draftToInput(ctx: ConsoleContext, d: AppDraft, logoUrl: string | null): AppInput {
  const partner = d.type === 'partner';
  return {
    companyId: ctx.company.id,
    name: d.name,
    logoUrl,
    type: d.type,
    grantTypes: [
      ...(partner ? ['authorization_code', 'refresh_token'] : ['client_credentials']),
      ...(d.deviceCode ? [DEVICE_CODE_GRANT] : []),
    ],
    grantDelivery: partner ? d.delivery : 'code',
    redirectUris: formLines(d.redirectUris),
    ...(partner
      ? {
          postLogoutRedirectUris: formLines(d.postLogoutRedirectUris),
          backchannelLogoutUri: d.backchannelLogoutUri.trim() || null,
        }
      : {}),
    tokenTtl: formSeconds(d.tokenTtl),
    scopes: d.scopes,
  };
}

/** Rotate-secret on a public client: 409, there is no secret to rotate. */
function noSecretToRotate(reply: FastifyReply) {
  return sendConsoleError(reply, 409, 'console.error.no_secret_title', { key: 'console.error.no_secret' });
}

/** Integration Center → OAuth 2.0: list, create (secret once), view, rotate, delete. */
export function consoleAppRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { gh } = deps;
  const { logos } = gh;
  const catalog = gh.scopeCatalog;
  const createForm = (ctx: ConsoleContext, draft: AppDraft, errors: FormProblems) =>
    appCreatePage({ ctx, draft, errors, features: catalog.features, plain: catalog.plain });

  /** Admin and plan checks for creating apps; sends the refusal page when they fail. */
  async function mayCreate(ctx: ConsoleContext, reply: FastifyReply) {
    if (!ctx.isAdmin) return void (await adminOnly(reply, ctx));
    if (!gh.access.planAllows(ctx.company, 'createApps'))
      return void (await sendPage(
        reply,
        403,
        planRequiredPage(ctx, 'createApps', gh.access.rules.createApps),
      ));
    return true;
  }

  app.get('/console/c/:companyId/apps', HTML, async (request: CompanyReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    if (!ctx) return reply;
    const apps = await gh.apps.list(ctx.company.id);
    return sendPage(reply, 200, appsListPage(ctx, apps, gh.access.planAllows(ctx.company, 'createApps')));
  });

  app.get('/console/c/:companyId/apps/new', HTML, async (request: CompanyReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    if (!ctx || !(await mayCreate(ctx, reply))) return reply;
    return sendPage(reply, 200, createForm(ctx, EMPTY_DRAFT, {}));
  });

  app.post('/console/c/:companyId/apps', HTML, async (request: CompanyReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    if (!ctx) return reply;
    const form = await readAppForm(request);
    if (!form || !SessionService.csrfValid(ctx.active, one(form, 'csrf_token'))) return csrfFailed(reply);
    if (!(await mayCreate(ctx, reply))) return reply;
    const draft: AppDraft = {
      name: one(form, 'name'),
      type: one(form, 'type') === 'partner' ? 'partner' : 'internal',
      delivery: one(form, 'delivery') === 'company_grant' ? 'company_grant' : 'code',
      deviceCode: one(form, 'device_code') === 'on',
      redirectUris: one(form, 'redirect_uris'),
      postLogoutRedirectUris: one(form, 'post_logout_redirect_uris'),
      backchannelLogoutUri: one(form, 'backchannel_logout_uri'),
      tokenTtl: one(form, 'token_ttl'),
      scopes: form.fields.get('scope') ?? [],
    };
    const errors: FormProblems = form.logoProblem ? knownProblems({ logo: form.logoProblem }) : {};
    try {
      // Everything but the logo is checked before the logo is stored, so a bad form leaves nothing behind.
      validateAppInput(draftToInput(ctx, draft, null), gh.scopes);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      Object.assign(errors, knownProblems(err.fields));
    }
    if (Object.keys(errors).length === 0) Object.assign(errors, knownProblems(logoErrors(form)));
    if (Object.keys(errors).length > 0) {
      if (form.logo && !errors.logo) errors.logo = { key: 'app_form.invalid.logo_again' };
      return sendPage(reply, 400, createForm(ctx, draft, errors));
    }
    const logo = form.logo ? await logos.store(ctx.company.id, form.logo) : undefined;
    try {
      const created = await gh.apps.create(
        draftToInput(ctx, draft, logo ? logoPath(logo.id) : null),
        ctx.actor,
      );
      // A public client has no secret: nothing to show once, straight to the app.
      if (created.clientSecret === null) return seeOther(reply, `${ctx.base}/apps/${created.app.id}`);
      await setSecretFlash(deps, reply, ctx, {
        kind: 'app',
        id: created.app.id,
        secret: created.clientSecret,
      });
      return seeOther(reply, `${ctx.base}/apps/${created.app.id}/secret`);
    } catch (err) {
      if (logo) await logos.delete(ctx.company.id, logo.id);
      if (err instanceof DomainError)
        return sendPage(reply, err.status, createForm(ctx, draft, knownProblems({ form: err.message })));
      throw err;
    }
  });

  app.get('/console/c/:companyId/apps/:appId', HTML, async (request: AppReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    const found = ctx && (await loadApp(deps, ctx, request.params.appId, reply));
    if (!ctx || !found) return reply;
    return sendPage(reply, 200, appDetailPage(ctx, found, queryParams(request).get('saved') === '1'));
  });

  app.get('/console/c/:companyId/apps/:appId/secret', HTML, async (request: AppReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    const found = ctx && (await loadApp(deps, ctx, request.params.appId, reply));
    if (!ctx || !found) return reply;
    const secret = await takeSecretFlash(deps, request, reply, ctx, 'app', found.id);
    // Shown once: a reload finds no secret and lands on the app, which shows the last four.
    if (secret === undefined) return seeOther(reply, `${ctx.base}/apps/${found.id}`);
    return sendPage(reply, 200, appSecretPage(ctx, found, secret, found.secrets.length > 1));
  });

  app.get('/console/c/:companyId/apps/:appId/rotate', HTML, async (request: AppReq, reply) => {
    const admin = await adminApp(deps, request, reply);
    if (!admin) return reply;
    const { ctx, app: found } = admin;
    if (found.clientType === 'public') return noSecretToRotate(reply);
    return sendPage(
      reply,
      200,
      confirmPage({
        ctx,
        section: 'apps',
        title: ctx.ui.t.t('app.rotate.title', { app: found.name }),
        message: html`<p>${ctx.ui.t.t('app.rotate.message')}</p>`,
        action: `${ctx.base}/apps/${found.id}/rotate`,
        submit: ctx.ui.t.t('app.rotate'),
        cancel: `${ctx.base}/apps/${found.id}`,
        extra: graceSelect(ctx.ui.t),
      }),
    );
  });

  app.post('/console/c/:companyId/apps/:appId/rotate', HTML, async (request: AppReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    const form = ctx && (await consoleForm(ctx, request, reply));
    if (!ctx || !form) return reply;
    if (!ctx.isAdmin) return adminOnly(reply, ctx);
    const grace = Number(form.get('grace_seconds') ?? '0');
    if (!GRACE_CHOICES.includes(grace))
      return sendConsoleError(reply, 400, 'console.error.grace_title', { key: 'console.error.grace' });
    try {
      const { app: rotated, clientSecret } = await gh.apps.rotateSecret(
        ctx.company.id,
        request.params.appId,
        ctx.actor,
        grace,
      );
      await setSecretFlash(deps, reply, ctx, { kind: 'app', id: rotated.id, secret: clientSecret });
      return seeOther(reply, `${ctx.base}/apps/${rotated.id}/secret`);
    } catch (err) {
      if (err instanceof NotFoundError)
        return sendConsoleError(reply, 404, 'console.error.app_not_found_title', {
          key: 'console.error.app_not_found',
        });
      if (err instanceof ConflictError) return noSecretToRotate(reply);
      throw err;
    }
  });

  app.get('/console/c/:companyId/apps/:appId/delete', HTML, async (request: AppReq, reply) => {
    const admin = await adminApp(deps, request, reply);
    if (!admin) return reply;
    const { ctx, app: found } = admin;
    const { t } = ctx.ui;
    const message = html`<p>${t.t('app.delete.message')}</p>`;
    return sendPage(
      reply,
      200,
      deletePage(
        ctx,
        'apps',
        t.t('app.delete.title', { app: found.name }),
        message,
        `${ctx.base}/apps/${found.id}`,
        t.t('app.delete'),
      ),
    );
  });

  app.post('/console/c/:companyId/apps/:appId/delete', HTML, async (request: AppReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    const form = ctx && (await consoleForm(ctx, request, reply));
    if (!ctx || !form) return reply;
    if (!ctx.isAdmin) return adminOnly(reply, ctx);
    const found = await loadApp(deps, ctx, request.params.appId, reply);
    if (!found) return reply;
    await gh.apps.delete(ctx.company.id, found.id, ctx.actor);
    await logos.deleteFor(ctx.company.id, found.logoUrl);
    return seeOther(reply, `${ctx.base}/apps`);
  });
}
