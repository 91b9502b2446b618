import type { App, AppPatch, JwkSet } from '../../apps/app-service.ts';

type ClientAuthPatch = Pick<
  AppPatch,
  'tokenEndpointAuthMethod' | 'jwks' | 'jwksUri' | 'requirePushedAuthorizationRequests'
>;

import type { MessageKey } from '../../i18n/catalogs.ts';
import type { Translator } from '../../i18n/translator.ts';
import { html, type SafeHtml } from '../../pages/html.ts';
import type { FormProblems } from './form-problems.ts';

/** The client authentication part of the edit form, as typed. */
export interface ClientAuthDraft {
  method: string;
  jwks: string;
  jwksUri: string;
  requirePar: boolean;
}

/** The confidential methods the form offers (a public client always uses none). */
const METHODS: Array<[string, MessageKey]> = [
  ['client_secret_basic', 'client_auth.client_secret_basic'],
  ['client_secret_post', 'client_auth.client_secret_post'],
  ['client_secret_jwt', 'client_auth.client_secret_jwt'],
  ['private_key_jwt', 'client_auth.private_key_jwt'],
];

export function clientAuthDraftOf(app: App): ClientAuthDraft {
  return {
    method: app.tokenEndpointAuthMethod,
    jwks: app.jwks ? JSON.stringify(app.jwks, null, 2) : '',
    jwksUri: app.jwksUri ?? '',
    requirePar: app.requirePushedAuthorizationRequests,
  };
}

export function clientAuthDraftFrom(get: (name: string) => string): ClientAuthDraft {
  return {
    method: get('token_endpoint_auth_method'),
    jwks: get('jwks'),
    jwksUri: get('jwks_uri'),
    requirePar: get('require_par') === 'on',
  };
}

/**
 * The settings the form asks for. A JWK Set that is not JSON is a field error here; every
 * other rule is the app service's (apps/client-auth-settings.ts).
 */
export function clientAuthPatchFrom(
  app: App,
  draft: ClientAuthDraft,
  browser: boolean,
): { patch: ClientAuthPatch; errors: FormProblems } {
  const patch: ClientAuthPatch = {};
  const errors: FormProblems = {};
  if (browser) patch.requirePushedAuthorizationRequests = draft.requirePar;
  if (app.clientType === 'public') return { patch, errors };
  // A form without the choice (none ticked) leaves the method as it is.
  if (draft.method !== '') patch.tokenEndpointAuthMethod = draft.method;
  patch.jwksUri = draft.jwksUri.trim() || null;
  if (draft.jwks.trim() === '') patch.jwks = null;
  else {
    try {
      patch.jwks = JSON.parse(draft.jwks) as JwkSet;
    } catch {
      errors.jwks = { key: 'app_form.invalid.jwks_json' };
    }
  }
  return { patch, errors };
}

/** The "Client authentication" section of the edit page. */
export function clientAuthSection(
  t: Translator,
  app: App,
  draft: ClientAuthDraft,
  browser: boolean,
  fieldError: (key: string) => SafeHtml | string,
): SafeHtml {
  const par = browser
    ? html`<div class="choice"><input type="checkbox" id="require_par" name="require_par" value="on"${draft.requirePar ? html` checked` : ''} aria-describedby="require_par-hint">
<label for="require_par">${t.t('client_auth.par')}</label></div><p class="hint" id="require_par-hint">${t.html('client_auth.par_hint', { path: html`<code>/oauth2/par</code>` })}</p>
${fieldError('requirePushedAuthorizationRequests')}`
    : '';
  if (app.clientType === 'public')
    return html`<h2>${t.t('client_auth.title')}</h2><p class="hint">${t.t('client_auth.public')}</p>${par}`;
  return html`<h2>${t.t('client_auth.title')}</h2>
<fieldset>
<legend>${t.t('client_auth.legend')}</legend>
${METHODS.map(([value, label]) => {
  const id = `auth-${value}`;
  return html`<div class="choice"><input type="radio" id="${id}" name="token_endpoint_auth_method" value="${value}"${draft.method === value ? html` checked` : ''}>
<label for="${id}">${t.t(label)}</label></div>`;
})}
</fieldset>
${fieldError('tokenEndpointAuthMethod')}
<label for="jwks">${t.t('client_auth.jwks')} <span class="hint">${t.html('client_auth.jwks_hint', { example: html`<code dir="ltr">{"keys": [...]}</code>` })}</span></label>
<textarea id="jwks" name="jwks" rows="4" dir="ltr">${draft.jwks}</textarea>
${fieldError('jwks')}
<label for="jwks_uri">${t.t('client_auth.jwks_uri')} <span class="hint">${t.t('client_auth.jwks_uri_hint')}</span></label>
<input id="jwks_uri" name="jwks_uri" type="url" maxlength="2000" value="${draft.jwksUri}" dir="ltr">
${fieldError('jwksUri')}
${par}`;
}
