import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthorizationService } from '../../authorization/authorization-service.ts';
import type { ActiveSession } from '../../authorization/session-service.ts';
import type { AccessPolicy } from '../../companies/access-policy.ts';
import { authorizationResponseUrl, responseModeFor } from '../../oauth/authorization-response.ts';
import type { OAuthContext } from '../../oauth/context.ts';
import {
  AuthorizationPageError,
  AuthorizationRedirectError,
  type AuthorizationRequest,
  type ErrorRedirectTarget,
  validateAuthorizationRequest,
} from '../../oauth/endpoints/authorize.ts';
import { AccessDenied, ConsentRequired, LoginRequired, type OAuthError } from '../../oauth/errors.ts';
import { grantGuidPage } from '../../pages/result-pages.ts';
import type { AuthorizationFlow } from '../../storage/authorization-types.ts';
import type { Storage } from '../../storage/storage.ts';
import type { App } from '../../storage/types.ts';
import { ensureSession, type PageKit, queryParams, seeOther, sendErrorPage, sendPage } from '../page-kit.ts';
import { formParams } from './token.ts';

export interface AuthorizeDeps extends PageKit {
  ctx: OAuthContext;
  storage: Storage;
  authorization: AuthorizationService;
  /** Plan gating: a company whose plan does not allow granting sees a page instead of consent. */
  access?: AccessPolicy;
}

/** Sends the plan page and returns true when the company's plan does not allow granting access. */
async function planBlocks(deps: AuthorizeDeps, reply: FastifyReply, companyId: string): Promise<boolean> {
  if (!deps.access) return false;
  const company = await deps.storage.getCompany(companyId);
  if (!company || deps.access.planAllows(company, 'grantAccess')) return false;
  const plans = deps.access.rules.grantAccess;
  await sendErrorPage(
    reply,
    403,
    'Upgrade required',
    `Connecting apps to ${company.name} needs the ${plans.join(' or ')} plan; ${company.name} is on the ${company.plan} plan. Nothing was shared with the app.`,
    'plan_required',
  );
  return true;
}

/**
 * Sends the browser back to the client with an error: in the query, or in the fragment when
 * the request asked for a token (RFC 6749 4.2.2.1), for every error alike.
 */
export function redirectError(
  reply: FastifyReply,
  issuer: string,
  req: ErrorRedirectTarget,
  err: OAuthError,
) {
  if (req.redirectUri === null)
    return sendErrorPage(
      reply,
      err.status === 500 ? 500 : 400,
      'Authorization failed',
      err.description,
      err.error,
    );
  return seeOther(
    reply,
    authorizationResponseUrl(req.redirectUri, responseModeFor(req.responseType), {
      error: err.error,
      error_description: err.description,
      state: req.state,
      iss: issuer,
    }),
  );
}

/**
 * Moves a flow to its next step: sign-in, company, consent, or done. Every page funnels
 * back here, so the order of checks lives in one place.
 */
export async function advanceFlow(
  deps: AuthorizeDeps,
  reply: FastifyReply,
  active: ActiveSession,
  flowId: string,
) {
  const flow = await deps.storage.getAuthorizationFlow(flowId, active.session.idHash);
  if (!flow || flow.grantGuid !== null) return expiredFlow(reply);
  const req = AuthorizationService.request(flow);
  const app = await deps.ctx.apps.findByClientId(req.clientId);
  if (!app) return expiredFlow(reply);
  const userId = active.session.userId;
  if (userId === null) {
    if (req.prompt === 'none')
      return abort(deps, reply, active, flow, new LoginRequired('the user is not signed in'));
    return seeOther(reply, `/login?flow=${encodeURIComponent(flow.id)}`);
  }
  const companies = await deps.authorization.grantableCompanies(userId, app);
  let companyId = flow.companyId;
  if (companyId === null || !companies.some((c) => c.id === companyId)) {
    const only = companies[0];
    if (companies.length === 0)
      return abort(
        deps,
        reply,
        active,
        flow,
        new AccessDenied('the signed-in user is not an administrator of any company that can grant this app'),
      );
    if (companies.length > 1 || only === undefined) {
      if (req.prompt === 'none')
        return abort(deps, reply, active, flow, new ConsentRequired('choose a company first'));
      return seeOther(reply, `/authorize/company?flow=${encodeURIComponent(flow.id)}`);
    }
    companyId = only.id;
    await deps.storage.setAuthorizationFlowCompany(flow.id, active.session.idHash, companyId);
  }
  if (await planBlocks(deps, reply, companyId)) return reply;
  if (await deps.authorization.canSkipConsent(app, companyId, req))
    return finishFlow(deps, reply, active, flow.id);
  if (req.prompt === 'none')
    return abort(deps, reply, active, flow, new ConsentRequired('the user must consent'));
  return seeOther(reply, `/authorize/consent?flow=${encodeURIComponent(flow.id)}`);
}

function expiredFlow(reply: FastifyReply) {
  return sendErrorPage(
    reply,
    400,
    'This request has expired',
    'The authorization request is no longer valid. Go back to the app and start again.',
  );
}

/** Ends the flow and sends the error to the client (or shows it, when there is nowhere to send it). */
export async function abort(
  deps: AuthorizeDeps,
  reply: FastifyReply,
  active: ActiveSession,
  flow: AuthorizationFlow,
  err: OAuthError,
) {
  const claimed = await deps.storage.claimAuthorizationFlow(flow.id, active.session.idHash);
  if (!claimed) return expiredFlow(reply);
  return redirectError(reply, deps.ctx.issuer, AuthorizationService.request(claimed), err);
}

/** Grants, then delivers the result the app asked for. Single use: a second submit finds no flow. */
export async function finishFlow(
  deps: AuthorizeDeps,
  reply: FastifyReply,
  active: ActiveSession,
  flowId: string,
) {
  const userId = active.session.userId;
  if (userId === null) return expiredFlow(reply);
  const pending = await deps.storage.getAuthorizationFlow(flowId, active.session.idHash);
  if (pending?.companyId && (await planBlocks(deps, reply, pending.companyId))) return reply;
  const flow = await deps.storage.claimAuthorizationFlow(flowId, active.session.idHash);
  if (!flow || flow.companyId === null) return expiredFlow(reply);
  const req = AuthorizationService.request(flow);
  const app = await deps.ctx.apps.findByClientId(req.clientId);
  if (!app) return expiredFlow(reply);
  const outcome = await deps.authorization.complete(
    app,
    req,
    userId,
    flow.companyId,
    active.session.authTime ?? new Date(),
  );
  const iss = deps.ctx.issuer;
  if (outcome.kind === 'company_grant') {
    if (req.redirectUri === null) {
      const shown = await deps.storage.createAuthorizationFlow({ ...flow, grantGuid: outcome.grant.guid });
      return seeOther(reply, `/authorize/granted?flow=${encodeURIComponent(shown.id)}`);
    }
    return seeOther(
      reply,
      authorizationResponseUrl(req.redirectUri, 'fragment', {
        guid: outcome.grant.guid,
        company_id: outcome.grant.companyId,
        state: req.state,
      }),
    );
  }
  const uri = req.redirectUri as string;
  if (outcome.kind === 'token')
    return seeOther(
      reply,
      authorizationResponseUrl(uri, 'fragment', {
        access_token: outcome.accessToken,
        token_type: 'Bearer',
        expires_in: String(outcome.expiresIn),
        scope: outcome.scope,
        state: req.state,
        iss,
      }),
    );
  return seeOther(
    reply,
    authorizationResponseUrl(uri, 'query', { code: outcome.code, state: req.state, iss }),
  );
}

async function authorize(deps: AuthorizeDeps, request: FastifyRequest, reply: FastifyReply) {
  let validated: { app: App; request: AuthorizationRequest };
  try {
    validated = await validateAuthorizationRequest(
      () =>
        request.method === 'POST'
          ? formParams(request.headers['content-type'], request.body)
          : queryParams(request),
      deps.ctx,
    );
  } catch (err) {
    if (err instanceof AuthorizationPageError)
      return sendErrorPage(reply, 400, 'This link cannot be used', err.oauth.description, err.oauth.error);
    if (err instanceof AuthorizationRedirectError)
      return redirectError(reply, deps.ctx.issuer, err.request, err.oauth);
    throw err;
  }
  const active = await ensureSession(deps, request, reply);
  const flow = await deps.authorization.startFlow(validated.app, validated.request, active.session.idHash);
  return advanceFlow(deps, reply, active, flow.id);
}

/**
 * GET and POST /oauth2/authorize (and /oauth/authorize, the PERSCOM path), plus the page
 * that shows a company-grant GUID when the app has no redirect URI.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1
 */
export function authorizeRoutes(app: FastifyInstance, deps: AuthorizeDeps, paths: string[]): void {
  for (const path of paths) {
    app.get(path, (request, reply) => authorize(deps, request, reply));
    app.post(path, (request, reply) => authorize(deps, request, reply));
  }
  app.get('/authorize/continue', async (request, reply) => {
    const active = await ensureSession(deps, request, reply);
    const flowId = queryParams(request).get('flow');
    if (flowId === undefined) return expiredFlow(reply);
    return advanceFlow(deps, reply, active, flowId);
  });
  app.get('/authorize/granted', async (request, reply) => {
    const active = await ensureSession(deps, request, reply);
    const flow = await deps.storage.getAuthorizationFlow(
      queryParams(request).get('flow') ?? '',
      active.session.idHash,
    );
    if (!flow || flow.grantGuid === null || flow.companyId === null) return expiredFlow(reply);
    const [grant, company] = await Promise.all([
      deps.storage.getGrantByGuid(flow.grantGuid),
      deps.storage.getCompany(flow.companyId),
    ]);
    const target = await deps.ctx.apps.findByClientId(AuthorizationService.request(flow).clientId);
    if (!grant || !company || !target) return expiredFlow(reply);
    return sendPage(reply, 200, grantGuidPage({ appName: target.name, company, grant }));
  });
}
