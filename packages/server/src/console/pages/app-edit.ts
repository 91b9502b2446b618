import type { App } from '../../apps/app-service.ts';
import { SIGNING_ALGS } from '../../keys/key-store.ts';
import { DEVICE_CODE_GRANT } from '../../oauth/device-codes.ts';
import { html, type SafeHtml } from '../../pages/html.ts';
import type { ConsoleContext } from '../context.ts';
import { consoleLayout } from '../layout.ts';
import { type ClientAuthDraft, clientAuthDraftOf, clientAuthSection } from './app-client-auth.ts';
import { type ExchangeDraft, exchangeDraftOf, exchangeSection } from './app-token-exchange.ts';
import { logoImg } from './apps-list.ts';
import { type FormProblems, fieldError, problemsAlert } from './form-problems.ts';

/** The edit form as typed, kept across a failed save so nothing has to be typed twice. */
export interface EditDraft {
  name: string;
  redirectUris: string;
  postLogoutRedirectUris: string;
  backchannelLogoutUri: string;
  tokenTtl: string;
  tokenFormat: 'jwt' | 'opaque';
  signingAlg: string;
  grantDelivery: 'code' | 'company_grant';
  implicit: boolean;
  /** The device authorization grant (RFC 8628). */
  deviceCode: boolean;
  skipConsent: boolean;
  autoConsent: boolean;
  removeLogo: boolean;
  clientAuth: ClientAuthDraft;
  exchange: ExchangeDraft;
}

/** The form as the app is now. */
export function draftOf(app: App): EditDraft {
  return {
    name: app.name,
    redirectUris: app.redirectUris.join('\n'),
    postLogoutRedirectUris: app.postLogoutRedirectUris.join('\n'),
    backchannelLogoutUri: app.backchannelLogoutUri ?? '',
    tokenTtl: String(app.tokenTtl),
    tokenFormat: app.tokenFormat,
    signingAlg: app.signingAlg,
    grantDelivery: app.grantDelivery,
    implicit: app.grantTypes.includes('implicit'),
    deviceCode: app.grantTypes.includes(DEVICE_CODE_GRANT),
    skipConsent: app.skipConsent,
    autoConsent: app.autoConsent,
    removeLogo: false,
    clientAuth: clientAuthDraftOf(app),
    exchange: exchangeDraftOf(app),
  };
}

/** The app's flows that send a browser back to it: only they use redirect URIs, implicit and consent. */
export const usesBrowser = (app: App) =>
  app.type === 'partner' || app.grantTypes.includes('authorization_code');

/** Ties a field to its error message for screen readers. */
const describedBy = (errors: FormProblems, key: string) =>
  errors[key] ? html` aria-describedby="${key}-error" aria-invalid="true"` : '';
const checked = (on: boolean) => (on ? html` checked` : '');

function radio(name: string, value: string, label: string, current: string): SafeHtml {
  const id = `${name}-${value}`;
  return html`<div class="choice"><input type="radio" id="${id}" name="${name}" value="${value}"${checked(current === value)}>
<label for="${id}">${label}</label></div>`;
}

function checkbox(name: string, label: string, on: boolean, hint: string): SafeHtml {
  return html`<div class="choice"><input type="checkbox" id="${name}" name="${name}" value="on"${checked(on)} aria-describedby="${name}-hint">
<label for="${name}">${label}</label></div><p class="hint" id="${name}-hint">${hint}</p>`;
}

/** Edit an app: what may change after creation; the scopes shown read-only with the reason. */
export function appEditPage(opts: { ctx: ConsoleContext; app: App; draft: EditDraft; errors: FormProblems }) {
  const { ctx, app, draft, errors } = opts;
  const { t } = ctx.ui;
  const error = (field: string) => fieldError(t, errors, field);
  const browser = usesBrowser(app);
  const path = `${ctx.base}/apps/${app.id}`;
  return consoleLayout({
    ctx,
    section: 'apps',
    title: t.t('app_form.edit_title', { app: app.name }),
    body: html`<h1>${t.t('app_form.edit_title', { app: app.name })}</h1>
${problemsAlert(t, t.t('app_form.not_saved'), errors)}
<form method="post" action="${path}/edit" enctype="multipart/form-data" class="wide-form">
<input type="hidden" name="csrf_token" value="${ctx.csrf}">
<label for="name">${t.t('app_form.name')}</label>
<input id="name" name="name" type="text" required maxlength="100" value="${draft.name}"${describedBy(errors, 'name')}>
${error('name')}
<label for="logo">${t.t('app_form.new_logo')} <span class="hint">${t.t('app_form.new_logo_hint')}</span></label>
${app.logoUrl ? html`<div class="current-logo">${logoImg(app, 48)} <span class="hint">${t.t('app_form.current_logo')}</span></div>` : ''}
<input id="logo" name="logo" type="file" accept="image/png,image/jpeg"${describedBy(errors, 'logo')}>
${error('logo')}${error('logoUrl')}
${app.logoUrl ? checkbox('remove_logo', t.t('app_form.remove_logo'), draft.removeLogo, t.t('app_form.remove_logo_hint')) : ''}
${
  browser
    ? html`<label for="redirect_uris">${t.t('app_form.redirect_uris')} <span class="hint">${t.t('app_form.redirect_uris_edit_hint')}</span></label>
<textarea id="redirect_uris" name="redirect_uris" rows="3" dir="ltr"${describedBy(errors, 'redirectUris')}>${draft.redirectUris}</textarea>
${error('redirectUris')}
<label for="post_logout_redirect_uris">${t.t('app_form.post_logout_redirect_uris')} <span class="hint">${t.t('app_form.post_logout_redirect_uris_hint')}</span></label>
<textarea id="post_logout_redirect_uris" name="post_logout_redirect_uris" rows="2" dir="ltr"${describedBy(errors, 'postLogoutRedirectUris')}>${draft.postLogoutRedirectUris}</textarea>
${error('postLogoutRedirectUris')}
<label for="backchannel_logout_uri">${t.t('app_form.backchannel_logout_uri')} <span class="hint">${t.t('app_form.backchannel_logout_uri_hint')}</span></label>
<input id="backchannel_logout_uri" name="backchannel_logout_uri" type="url" dir="ltr" value="${draft.backchannelLogoutUri}"${describedBy(errors, 'backchannelLogoutUri')}>
${error('backchannelLogoutUri')}`
    : ''
}
${
  app.type === 'partner'
    ? html`<fieldset>
<legend>${t.t('app_form.delivery_edit')}</legend>
${radio('grant_delivery', 'code', t.t('app_form.delivery_code'), draft.grantDelivery)}
${radio('grant_delivery', 'company_grant', t.t('app_form.delivery_grant'), draft.grantDelivery)}
</fieldset>
${error('grantDelivery')}`
    : ''
}
${browser ? checkbox('skip_consent', t.t('app_form.skip_consent'), draft.skipConsent, t.t('app_form.skip_consent_hint')) : ''}
${browser && app.type === 'internal' ? checkbox('auto_consent', t.t('app_form.auto_consent'), draft.autoConsent, t.t('app_form.auto_consent_hint')) : ''}
${error('autoConsent')}
${browser ? checkbox('implicit', t.t('app_form.implicit'), draft.implicit, t.t('app_form.implicit_hint')) : ''}
${checkbox('device_code', t.t('app_form.device_code'), draft.deviceCode, t.t('app_form.device_code_hint'))}
${error('grantTypes')}
<h2>${t.t('app_form.tokens')}</h2>
<p class="hint">${t.t('app_form.tokens_hint')}</p>
<label for="token_ttl">${t.t('app_form.token_ttl')}</label>
<input id="token_ttl" name="token_ttl" type="number" min="60" max="86400" step="1" required value="${draft.tokenTtl}"${describedBy(errors, 'tokenTtl')}>
${error('tokenTtl')}
<fieldset>
<legend>${t.t('app_form.token_format')}</legend>
${radio('token_format', 'jwt', t.t('app_form.format_jwt'), draft.tokenFormat)}
${radio('token_format', 'opaque', t.t('app_form.format_opaque'), draft.tokenFormat)}
</fieldset>
${error('tokenFormat')}
<label for="signing_alg">${t.t('app_form.signing_alg')}</label>
<select id="signing_alg" name="signing_alg"${describedBy(errors, 'signingAlg')}>
${SIGNING_ALGS.map((alg) => html`<option value="${alg}"${draft.signingAlg === alg ? html` selected` : ''}>${alg}</option>`)}
</select>
${error('signingAlg')}
${clientAuthSection(t, app, draft.clientAuth, browser, error)}
${exchangeSection(t, app, draft.exchange, error)}
<h2>${t.t('scopes.legend')}</h2>
<p>${app.scopes.map((s) => html`<code class="chip">${s}</code> `)}</p>
<p class="hint" id="scopes-fixed">${t.t('app_form.scopes_fixed')}</p>
<div class="actions">
<a class="button secondary" href="${path}">${t.t('confirm.cancel')}</a>
<button type="submit" class="primary">${t.t('app_form.save_changes')}</button>
</div>
</form>`,
  });
}
