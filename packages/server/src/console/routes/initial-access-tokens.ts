import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { seeOther, sendPage } from '../../http/page-reply.ts';
import { html } from '../../pages/html.ts';
import { REGISTRATION_PATH } from '../../registration/registration-service.ts';
import type { ConsoleContext, ConsoleDeps } from '../context.ts';
import { adminOnly, sendConsoleError } from '../error-pages.ts';
import { setSecretFlash, takeSecretFlash } from '../flash.ts';
import { consoleContext, consoleForm } from '../guards.ts';
import { confirmPage } from '../pages/confirm.ts';
import {
  type IatDraft,
  initialAccessTokenNewPage,
  initialAccessTokenSecretPage,
  initialAccessTokensPage,
} from '../pages/initial-access-tokens.ts';
import { planRequiredPage } from '../pages/message.ts';

type CompanyReq = FastifyRequest<{ Params: { companyId: string } }>;
type TokenReq = FastifyRequest<{ Params: { companyId: string; tokenId: string } }>;
const HTML = { config: { jsonOnly: false } };
const EMPTY: IatDraft = {
  name: '',
  scopes: '',
  grantTypes: [],
  redirects: '',
  maxApps: '',
  expiresDays: '30',
};

const whole = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : Number.NaN);

/**
 * Initial access tokens for dynamic client registration: list (members read), create (shown
 * once), revoke. Creating one is gated like creating an app: admins, and a plan that allows it.
 */
export function consoleInitialAccessTokenRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { gh } = deps;
  const base = '/console/c/:companyId/initial-access-tokens';
  const grantTypes = gh.grantTypes.appGrantTypes;

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

  async function load(ctx: ConsoleContext, id: string, reply: FastifyReply) {
    try {
      return await gh.initialAccessTokens.get(ctx.company.id, id);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      await sendConsoleError(reply, 404, 'console.error.not_found_title', { key: 'iat.not_found' });
      return undefined;
    }
  }

  app.get(base, HTML, async (request: CompanyReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    if (!ctx) return reply;
    return sendPage(
      reply,
      200,
      initialAccessTokensPage(ctx, await gh.initialAccessTokens.list(ctx.company.id)),
    );
  });

  app.get(`${base}/new`, HTML, async (request: CompanyReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    if (!ctx || !(await mayCreate(ctx, reply))) return reply;
    return sendPage(reply, 200, initialAccessTokenNewPage(ctx, EMPTY, grantTypes, []));
  });

  app.post(base, HTML, async (request: CompanyReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    const form = ctx && (await consoleForm(ctx, request, reply));
    if (!ctx || !form || !(await mayCreate(ctx, reply))) return reply;
    const draft: IatDraft = {
      name: form.get('name') ?? '',
      scopes: form.get('scopes') ?? '',
      grantTypes: form.getAll('grant_type'),
      redirects: form.get('redirect_uri_patterns') ?? '',
      maxApps: form.get('max_apps') ?? '',
      expiresDays: form.get('expires_days') ?? '',
    };
    const scopes = draft.scopes.split(/\s+/).filter(Boolean);
    const patterns = draft.redirects
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    const days = whole(draft.expiresDays);
    try {
      const { token, secret } = await gh.initialAccessTokens.create(
        {
          companyId: ctx.company.id,
          ...(draft.name.trim() ? { name: draft.name } : {}),
          allowedScopes: scopes.length ? scopes : null,
          allowedGrantTypes: draft.grantTypes.length ? draft.grantTypes : null,
          redirectUriPatterns: patterns.length ? patterns : null,
          maxApps: draft.maxApps.trim() === '' ? null : whole(draft.maxApps),
          expiresIn: days > 0 && days <= 365 ? days * 86_400 : -1,
        },
        ctx.actor,
      );
      await setSecretFlash(deps, reply, ctx, { kind: 'initial_access_token', id: token.id, secret });
      return seeOther(reply, `${ctx.base}/initial-access-tokens/${token.id}/secret`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return sendPage(reply, 400, initialAccessTokenNewPage(ctx, draft, grantTypes, Object.keys(err.fields)));
    }
  });

  app.get(`${base}/:tokenId/secret`, HTML, async (request: TokenReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    const token = ctx && (await load(ctx, request.params.tokenId, reply));
    if (!ctx || !token) return reply;
    const secret = await takeSecretFlash(deps, request, reply, ctx, 'initial_access_token', token.id);
    if (secret === undefined) return seeOther(reply, `${ctx.base}/initial-access-tokens`);
    const endpoint = `${gh.config.issuer}${REGISTRATION_PATH}`;
    return sendPage(reply, 200, initialAccessTokenSecretPage(ctx, token, secret, endpoint));
  });

  app.get(`${base}/:tokenId/revoke`, HTML, async (request: TokenReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    const token = ctx && (await load(ctx, request.params.tokenId, reply));
    if (!ctx || !token) return reply;
    if (!ctx.isAdmin) return adminOnly(reply, ctx);
    const { t } = ctx.ui;
    const list = `${ctx.base}/initial-access-tokens`;
    return sendPage(
      reply,
      200,
      confirmPage({
        ctx,
        section: 'apps',
        title: t.t('iat.revoke.title'),
        message: html`<p>${t.t('iat.revoke.message', { name: token.name })}</p>`,
        action: `${list}/${token.id}/revoke`,
        submit: t.t('iat.revoke'),
        cancel: list,
        danger: true,
      }),
    );
  });

  app.post(`${base}/:tokenId/revoke`, HTML, async (request: TokenReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    const form = ctx && (await consoleForm(ctx, request, reply));
    if (!ctx || !form) return reply;
    if (!ctx.isAdmin) return adminOnly(reply, ctx);
    try {
      await gh.initialAccessTokens.revoke(ctx.company.id, request.params.tokenId, ctx.actor);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
    return seeOther(reply, `${ctx.base}/initial-access-tokens`);
  });
}
