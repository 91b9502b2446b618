import type { App, AppPatch, JwkSet } from '../../apps/app-service.ts';

type ClientAuthPatch = Pick<
  AppPatch,
  'tokenEndpointAuthMethod' | 'jwks' | 'jwksUri' | 'requirePushedAuthorizationRequests'
>;

import { html, type SafeHtml } from '../../pages/html.ts';

/** The client authentication part of the edit form, as typed. */
export interface ClientAuthDraft {
  method: string;
  jwks: string;
  jwksUri: string;
  requirePar: boolean;
}

/** The confidential methods the form offers (a public client always uses none). */
const METHODS: Array<[string, string]> = [
  ['client_secret_basic', 'Client secret, HTTP Basic (client_secret_post is accepted too)'],
  ['client_secret_post', 'Client secret in the form body (client_secret_basic is accepted too)'],
  ['client_secret_jwt', 'JWT signed with the client secret (rotate the secret after choosing it)'],
  ['private_key_jwt', 'JWT signed with the app’s private key (give its public keys below)'],
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
): { patch: ClientAuthPatch; errors: Record<string, string> } {
  const patch: ClientAuthPatch = {};
  const errors: Record<string, string> = {};
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
      errors.jwks = 'the JWK Set is not valid JSON';
    }
  }
  return { patch, errors };
}

/** The "Client authentication" section of the edit page. */
export function clientAuthSection(
  app: App,
  draft: ClientAuthDraft,
  browser: boolean,
  fieldError: (key: string) => SafeHtml | string,
): SafeHtml {
  const par = browser
    ? html`<div class="choice"><input type="checkbox" id="require_par" name="require_par" value="on"${draft.requirePar ? html` checked` : ''} aria-describedby="require_par-hint">
<label for="require_par">Require pushed authorization requests (PAR)</label></div><p class="hint" id="require_par-hint">The app must send each authorization request to /oauth2/par first (RFC 9126); plain requests get an error page.</p>
${fieldError('requirePushedAuthorizationRequests')}`
    : '';
  if (app.clientType === 'public')
    return html`<h2>Client authentication</h2><p class="hint">A public client authenticates with PKCE only (none).</p>${par}`;
  return html`<h2>Client authentication</h2>
<fieldset>
<legend>The app authenticates with</legend>
${METHODS.map(([value, label]) => {
  const id = `auth-${value}`;
  return html`<div class="choice"><input type="radio" id="${id}" name="token_endpoint_auth_method" value="${value}"${draft.method === value ? html` checked` : ''}>
<label for="${id}">${label}</label></div>`;
})}
</fieldset>
${fieldError('tokenEndpointAuthMethod')}
<label for="jwks">Public keys for private_key_jwt <span class="hint">(a JWK Set: {"keys": [...]}; or a URL below, not both)</span></label>
<textarea id="jwks" name="jwks" rows="4">${draft.jwks}</textarea>
${fieldError('jwks')}
<label for="jwks_uri">JWK Set URL <span class="hint">(https; fetched with a timeout and cached)</span></label>
<input id="jwks_uri" name="jwks_uri" type="url" maxlength="2000" value="${draft.jwksUri}">
${fieldError('jwksUri')}
${par}`;
}
