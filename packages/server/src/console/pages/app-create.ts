import type { FeatureFamily, PlainScope } from '@gatehouse/scopes';
import { html } from '../../pages/html.ts';
import type { ConsoleContext } from '../context.ts';
import { consoleLayout } from '../layout.ts';
import { type FormProblems, fieldError, problemsAlert } from './form-problems.ts';
import { scopeTable } from './scope-table.ts';

/** What was typed, kept across a failed submit so nothing has to be typed twice. */
export interface AppDraft {
  name: string;
  type: 'internal' | 'partner';
  delivery: 'code' | 'company_grant';
  /** Also allowed the device authorization grant (RFC 8628). */
  deviceCode: boolean;
  redirectUris: string;
  /** Partner apps: OpenID Connect logout (docs/flows/logout.md). */
  postLogoutRedirectUris: string;
  backchannelLogoutUri: string;
  tokenTtl: string;
  scopes: string[];
}

export const EMPTY_DRAFT: AppDraft = {
  name: '',
  type: 'internal',
  delivery: 'code',
  deviceCode: false,
  redirectUris: '',
  postLogoutRedirectUris: '',
  backchannelLogoutUri: '',
  tokenTtl: '3600',
  scopes: [],
};

/** Connecteam's "Create app": display name, logo, type, redirect URIs, lifetime, scopes. */
export function appCreatePage(opts: {
  ctx: ConsoleContext;
  draft: AppDraft;
  errors: FormProblems;
  features: readonly FeatureFamily[];
  plain: readonly PlainScope[];
}) {
  const { ctx, draft, errors } = opts;
  const { t } = ctx.ui;
  const error = (field: string) => fieldError(t, errors, field);
  return consoleLayout({
    ctx,
    section: 'apps',
    title: t.t('app_form.create_title'),
    body: html`<h1>${t.t('app_form.create_title')}</h1>
${problemsAlert(t, t.t('app_form.not_created'), errors)}
<form method="post" action="${ctx.base}/apps" enctype="multipart/form-data" class="wide-form">
<input type="hidden" name="csrf_token" value="${ctx.csrf}">
<label for="name">${t.t('app_form.name')}</label>
<input id="name" name="name" type="text" required maxlength="100" value="${draft.name}" placeholder="${t.t('app_form.name_placeholder')}">
${error('name')}
<label for="logo">${t.t('app_form.logo')} <span class="hint">${t.t('app_form.logo_hint')}</span></label>
<input id="logo" name="logo" type="file" accept="image/png,image/jpeg">
${error('logo')}
<fieldset>
<legend>${t.t('app_form.type')}</legend>
<div class="choice"><input type="radio" id="type-internal" name="type" value="internal" ${draft.type === 'internal' ? html`checked` : ''}>
<label for="type-internal">${t.t('app_form.type_internal', { company: ctx.company.name })}</label></div>
<div class="choice"><input type="radio" id="type-partner" name="type" value="partner" ${draft.type === 'partner' ? html`checked` : ''}>
<label for="type-partner">${t.t('app_form.type_partner')}</label></div>
</fieldset>
${error('type')}
<fieldset>
<legend>${t.t('app_form.delivery')}</legend>
<div class="choice"><input type="radio" id="delivery-code" name="delivery" value="code" ${draft.delivery === 'code' ? html`checked` : ''}>
<label for="delivery-code">${t.t('app_form.delivery_code')}</label></div>
<div class="choice"><input type="radio" id="delivery-grant" name="delivery" value="company_grant" ${draft.delivery === 'company_grant' ? html`checked` : ''}>
<label for="delivery-grant">${t.t('app_form.delivery_grant')}</label></div>
</fieldset>
<div class="choice"><input type="checkbox" id="device_code" name="device_code" ${draft.deviceCode ? html`checked` : ''} aria-describedby="device_code-hint">
<label for="device_code">${t.t('app_form.device_code')}</label></div>
<p class="hint" id="device_code-hint">${t.t('app_form.device_code_hint')}</p>
${error('grantTypes')}
<label for="redirect_uris">${t.t('app_form.redirect_uris')} <span class="hint">${t.t('app_form.redirect_uris_hint')}</span></label>
<textarea id="redirect_uris" name="redirect_uris" rows="3" dir="ltr">${draft.redirectUris}</textarea>
${error('redirectUris')}
<label for="post_logout_redirect_uris">${t.t('app_form.post_logout_redirect_uris')} <span class="hint">${t.t('app_form.post_logout_redirect_uris_hint')}</span></label>
<textarea id="post_logout_redirect_uris" name="post_logout_redirect_uris" rows="2" dir="ltr">${draft.postLogoutRedirectUris}</textarea>
${error('postLogoutRedirectUris')}
<label for="backchannel_logout_uri">${t.t('app_form.backchannel_logout_uri')} <span class="hint">${t.t('app_form.backchannel_logout_uri_hint')}</span></label>
<input id="backchannel_logout_uri" name="backchannel_logout_uri" type="url" dir="ltr" value="${draft.backchannelLogoutUri}">
${error('backchannelLogoutUri')}
<label for="token_ttl">${t.t('app_form.token_ttl')}</label>
<input id="token_ttl" name="token_ttl" type="number" min="60" max="86400" step="1" required value="${draft.tokenTtl}">
${error('tokenTtl')}
${scopeTable(t, opts.features, opts.plain, new Set(draft.scopes))}
${error('scopes')}
<div class="actions">
<a class="button secondary" href="${ctx.base}/apps">${t.t('confirm.cancel')}</a>
<button type="submit" class="primary">${t.t('app_form.save_app')}</button>
</div>
</form>`,
  });
}
