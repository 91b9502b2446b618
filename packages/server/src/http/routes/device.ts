import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DeviceStep, DeviceVerification } from '../../authorization/device-verification.ts';
import type { ActiveSession } from '../../authorization/session-service.ts';
import { SessionService } from '../../authorization/session-service.ts';
import type { OAuthContext } from '../../oauth/context.ts';
import type { DeviceAuthorizationEndpoint } from '../../oauth/endpoints/device-authorization.ts';
import type { ScopeCatalog } from '../../oauth/scopes/catalog.ts';
import { companyChooserPage } from '../../pages/company-chooser.ts';
import { consentPage, describeScopes } from '../../pages/consent.ts';
import { deviceCodePage, deviceConfirmPage, deviceResultPage } from '../../pages/device.ts';
import { postedForm, queryParams } from '../page-input.ts';
import { seeOther, sendErrorPage, sendPage } from '../page-reply.ts';
import { pageUi } from '../page-ui.ts';
import type { EndpointLimiter } from '../rate-limit.ts';
import { ensureSession, type SessionCookies } from '../session-cookie.ts';
import { addressChecked, noStoreJson, oauthFormRequest } from './token.ts';

/**
 * POST /oauth2/device_authorization (RFC 8628 3.1): a form body with client authentication,
 * as at the token endpoint, under the token endpoint's limits; the codes as JSON, no-store.
 */
export function deviceAuthorizationRoutes(
  app: FastifyInstance,
  opts: { endpoint: DeviceAuthorizationEndpoint; ctx: OAuthContext; limiter?: EndpointLimiter },
): void {
  app.post('/oauth2/device_authorization', async (request, reply) => {
    const checked = addressChecked(request, opts.limiter);
    if (checked !== undefined) await checked;
    const answer = await opts.endpoint.handle(oauthFormRequest(request, opts.limiter), opts.ctx);
    return noStoreJson(reply, answer);
  });
}

export interface DeviceDeps extends SessionCookies {
  device: DeviceVerification;
  scopeCatalog: ScopeCatalog;
}

const STEP_PAGES = {
  'choose-company': '/device/company',
  consent: '/device/consent',
  continue: '/device/continue',
} as const;

/** Answers a step of the verification: a 303 to its page, or the page itself. */
function sendStep(
  deps: DeviceDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  active: ActiveSession,
  step: DeviceStep,
) {
  const ui = pageUi(request);
  const csrf = SessionService.csrfToken(active);
  switch (step.kind) {
    case 'enter':
      return sendPage(
        reply,
        step.error ? 400 : 200,
        deviceCodePage(ui, {
          csrf,
          ...(step.userCode !== undefined ? { userCode: step.userCode } : {}),
          invalid: step.error === 'invalid',
        }),
      );
    case 'throttled':
      request.log.warn(
        { event: 'user_code_throttled', retryAfter: step.retryAfter },
        'user code entry throttled',
      );
      reply.header('Retry-After', String(step.retryAfter));
      return sendErrorPage(reply, 429, {
        title: { key: 'device.throttled_title' },
        message: { key: 'device.throttled', vars: { seconds: step.retryAfter } },
        code: 'too_many_attempts',
      });
    case 'sign-in':
      return seeOther(reply, `/login?return_to=${encodeURIComponent(`/device?user_code=${step.userCode}`)}`);
    case 'confirm-page': {
      const scopes = describeScopes(step.scopes, deps.scopeCatalog, ui.t);
      return sendPage(
        reply,
        200,
        deviceConfirmPage(ui, { csrf, userCode: step.userCode, app: step.app, scopes }),
      );
    }
    case 'approved':
    case 'denied':
      return sendPage(
        reply,
        200,
        deviceResultPage(ui, { approved: step.kind === 'approved', appName: step.appName }),
      );
    case 'plan-required': {
      const { company, plans } = step;
      const vars = { company: company.name, plans: ui.t.or(plans), plan: company.plan };
      return sendErrorPage(reply, 403, {
        title: { key: 'flow.plan_title' },
        message: { key: 'flow.plan', vars },
        code: 'plan_required',
      });
    }
    case 'error-page':
      return sendErrorPage(reply, step.status, step);
    default:
      return seeOther(reply, `${STEP_PAGES[step.kind]}?device=${encodeURIComponent(step.deviceId)}`);
  }
}

/**
 * The device verification page (RFC 8628 3.3): /device (the `verification_uri`, with
 * `?user_code=` the complete one), the confirmation of what the device asks, then the
 * company chooser and consent as in the code flow. Each route parses, asks the domain module
 * (authorization/device-verification.ts) and answers its step.
 */
export function deviceRoutes(app: FastifyInstance, deps: DeviceDeps): void {
  app.get('/device', async (request, reply) => {
    const active = await ensureSession(deps, request, reply);
    const step = await deps.device.show(active, queryParams(request).get('user_code'), request.ip);
    return sendStep(deps, request, reply, active, step);
  });
  app.post('/device', async (request, reply) => {
    const posted = await postedForm(deps, request, reply);
    if (!posted) return reply;
    const step = await deps.device.submit(posted.active, posted.form.get('user_code'), request.ip);
    return sendStep(deps, request, reply, posted.active, step);
  });
  app.post('/device/confirm', async (request, reply) => {
    const posted = await postedForm(deps, request, reply);
    if (!posted) return reply;
    const { form, active } = posted;
    const step = await deps.device.confirm(active, form.get('user_code'), form.get('decision'), request.ip);
    return sendStep(deps, request, reply, active, step);
  });
  app.get('/device/continue', async (request, reply) => {
    const active = await ensureSession(deps, request, reply);
    const step = await deps.device.advance(active, queryParams(request).get('device'));
    return sendStep(deps, request, reply, active, step);
  });
  app.get('/device/company', async (request, reply) => {
    const active = await ensureSession(deps, request, reply);
    const view = await deps.device.companyChoice(active, queryParams(request).get('device'));
    if (view.kind !== 'company-page') return sendStep(deps, request, reply, active, view);
    const page = companyChooserPage(pageUi(request), {
      csrf: SessionService.csrfToken(active),
      flow: view.deviceId,
      appName: view.appName,
      companies: view.companies,
      action: { path: '/device/company', field: 'device' },
    });
    return sendPage(reply, 200, page);
  });
  app.post('/device/company', async (request, reply) => {
    const posted = await postedForm(deps, request, reply);
    if (!posted) return reply;
    const { form, active } = posted;
    const step = await deps.device.chooseCompany(active, form.get('device'), form.get('company_id'));
    return sendStep(deps, request, reply, active, step);
  });
  app.get('/device/consent', async (request, reply) => {
    const active = await ensureSession(deps, request, reply);
    const view = await deps.device.consentView(active, queryParams(request).get('device'));
    if (view.kind !== 'consent-page') return sendStep(deps, request, reply, active, view);
    const ui = pageUi(request);
    const page = consentPage(ui, {
      csrf: SessionService.csrfToken(active),
      flow: view.deviceId,
      app: view.app,
      company: view.company,
      user: view.user,
      scopes: describeScopes(view.scopes, deps.scopeCatalog, ui.t),
      action: { path: '/device/consent', field: 'device' },
    });
    return sendPage(reply, 200, page);
  });
  app.post('/device/consent', async (request, reply) => {
    const posted = await postedForm(deps, request, reply);
    if (!posted) return reply;
    const { form, active } = posted;
    const step = await deps.device.decide(active, form.get('device'), form.get('decision'));
    return sendStep(deps, request, reply, active, step);
  });
}
