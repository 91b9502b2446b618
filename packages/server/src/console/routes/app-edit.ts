import type { FastifyInstance } from 'fastify';
import type { App, AppPatch } from '../../apps/app-service.ts';
import { type AppLogo, logoPath } from '../../apps/logo.ts';
import { SessionService } from '../../authorization/session-service.ts';
import { DomainError, NotFoundError, ValidationError } from '../../errors.ts';
import { seeOther, sendPage } from '../../http/page-reply.ts';

import type { ConsoleDeps } from '../context.ts';
import { adminOnly, csrfFailed, sendConsoleError } from '../error-pages.ts';
import { consoleContext } from '../guards.ts';
import { type AppForm, formLines, formSeconds, logoErrors, one, readAppForm } from '../multipart-form.ts';
import { clientAuthDraftFrom, clientAuthPatchFrom } from '../pages/app-client-auth.ts';
import { appEditPage, draftOf, type EditDraft, usesBrowser } from '../pages/app-edit.ts';
import { exchangeDraftFrom, exchangePatchFrom } from '../pages/app-token-exchange.ts';
import { type FormProblems, knownProblems } from '../pages/form-problems.ts';
import { type AppReq, adminApp, loadApp } from './app-access.ts';

const HTML = { config: { jsonOnly: false } };

function draftFrom(form: AppForm): EditDraft {
  return {
    name: one(form, 'name'),
    redirectUris: one(form, 'redirect_uris'),
    postLogoutRedirectUris: one(form, 'post_logout_redirect_uris'),
    backchannelLogoutUri: one(form, 'backchannel_logout_uri'),
    tokenTtl: one(form, 'token_ttl'),
    tokenFormat: one(form, 'token_format') === 'opaque' ? 'opaque' : 'jwt',
    signingAlg: one(form, 'signing_alg'),
    grantDelivery: one(form, 'grant_delivery') === 'company_grant' ? 'company_grant' : 'code',
    implicit: one(form, 'implicit') === 'on',
    deviceCode: one(form, 'device_code') === 'on',
    skipConsent: one(form, 'skip_consent') === 'on',
    autoConsent: one(form, 'auto_consent') === 'on',
    removeLogo: one(form, 'remove_logo') === 'on',
    clientAuth: clientAuthDraftFrom((name) => one(form, name)),
    exchange: exchangeDraftFrom((name) => one(form, name)),
  };
}

/** What the form asks to change. Fields the page does not show for this app are left alone. */
function patchFrom(app: App, draft: EditDraft, logo: AppLogo | undefined): AppPatch {
  return {
    name: draft.name,
    tokenTtl: formSeconds(draft.tokenTtl),
    tokenFormat: draft.tokenFormat,
    signingAlg: draft.signingAlg,
    deviceCode: draft.deviceCode,
    ...(usesBrowser(app)
      ? {
          redirectUris: formLines(draft.redirectUris),
          postLogoutRedirectUris: formLines(draft.postLogoutRedirectUris),
          backchannelLogoutUri: draft.backchannelLogoutUri.trim() || null,
          implicit: draft.implicit,
          skipConsent: draft.skipConsent,
          ...(app.type === 'internal' ? { autoConsent: draft.autoConsent } : {}),
        }
      : {}),
    ...(app.type === 'partner' ? { grantDelivery: draft.grantDelivery } : {}),
    ...(logo ? { logoUrl: logoPath(logo.id) } : draft.removeLogo ? { logoUrl: null } : {}),
    ...exchangePatchFrom(app, draft.exchange),
  };
}

/**
 * Integration Center → an app → Edit: what may change after creation (AppService.update
 * holds the rules, as for the management API and the CLI); the scopes shown read-only.
 */
export function consoleAppEditRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { gh } = deps;

  app.get('/console/c/:companyId/apps/:appId/edit', HTML, async (request: AppReq, reply) => {
    const admin = await adminApp(deps, request, reply);
    if (!admin) return reply;
    const { ctx, app: found } = admin;
    return sendPage(reply, 200, appEditPage({ ctx, app: found, draft: draftOf(found), errors: {} }));
  });

  app.post('/console/c/:companyId/apps/:appId/edit', HTML, async (request: AppReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    if (!ctx) return reply;
    const form = await readAppForm(request);
    if (!form || !SessionService.csrfValid(ctx.active, one(form, 'csrf_token'))) return csrfFailed(reply);
    if (!ctx.isAdmin) return adminOnly(reply, ctx);
    const found = await loadApp(deps, ctx, request.params.appId, reply);
    if (!found) return reply;
    const draft = draftFrom(form);
    const page = (status: number, errors: FormProblems) => {
      if (form.logo && !errors.logo) errors.logo = { key: 'app_form.invalid.logo_again' };
      return sendPage(reply, status, appEditPage({ ctx, app: found, draft, errors }));
    };
    const logoProblems = logoErrors(form);
    if (Object.keys(logoProblems).length > 0) return page(400, knownProblems(logoProblems));
    const clientAuth = clientAuthPatchFrom(found, draft.clientAuth, usesBrowser(found));
    if (Object.keys(clientAuth.errors).length > 0) return page(400, clientAuth.errors);
    const logo = form.logo ? await gh.logos.store(ctx.company.id, form.logo) : undefined;
    try {
      const updated = await gh.apps.update(
        ctx.company.id,
        found.id,
        { ...patchFrom(found, draft, logo), ...clientAuth.patch },
        ctx.actor,
      );
      // The uploaded logo it no longer shows is of no use to anyone.
      if (updated.logoUrl !== found.logoUrl) await gh.logos.deleteFor(ctx.company.id, found.logoUrl);
      return seeOther(reply, `${ctx.base}/apps/${found.id}?saved=1`);
    } catch (err) {
      if (logo) await gh.logos.delete(ctx.company.id, logo.id);
      if (err instanceof NotFoundError)
        return sendConsoleError(reply, 404, 'console.error.app_not_found_title', {
          key: 'console.error.app_not_found',
        });
      if (err instanceof ValidationError) return page(400, knownProblems(err.fields));
      if (err instanceof DomainError) return page(err.status, knownProblems({ form: err.message }));
      throw err;
    }
  });
}
