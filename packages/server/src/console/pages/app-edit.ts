import type { App } from '../../apps/app-service.ts';
import { SIGNING_ALGS } from '../../keys/key-store.ts';
import { html, type SafeHtml } from '../../pages/html.ts';
import type { ConsoleContext } from '../context.ts';
import { consoleLayout } from '../layout.ts';
import { type ClientAuthDraft, clientAuthDraftOf, clientAuthSection } from './app-client-auth.ts';
import { logoImg } from './apps-list.ts';

/** The edit form as typed, kept across a failed save so nothing has to be typed twice. */
export interface EditDraft {
  name: string;
  redirectUris: string;
  tokenTtl: string;
  tokenFormat: 'jwt' | 'opaque';
  signingAlg: string;
  grantDelivery: 'code' | 'company_grant';
  implicit: boolean;
  skipConsent: boolean;
  autoConsent: boolean;
  removeLogo: boolean;
  clientAuth: ClientAuthDraft;
}

/** The form as the app is now. */
export function draftOf(app: App): EditDraft {
  return {
    name: app.name,
    redirectUris: app.redirectUris.join('\n'),
    tokenTtl: String(app.tokenTtl),
    tokenFormat: app.tokenFormat,
    signingAlg: app.signingAlg,
    grantDelivery: app.grantDelivery,
    implicit: app.grantTypes.includes('implicit'),
    skipConsent: app.skipConsent,
    autoConsent: app.autoConsent,
    removeLogo: false,
    clientAuth: clientAuthDraftOf(app),
  };
}

/** The app's flows that send a browser back to it: only they use redirect URIs, implicit and consent. */
export const usesBrowser = (app: App) =>
  app.type === 'partner' || app.grantTypes.includes('authorization_code');

const fieldError = (errors: Record<string, string>, key: string) =>
  errors[key] ? html`<p class="field-error" id="${key}-error">${errors[key]}</p>` : '';
/** Ties a field to its error message for screen readers. */
const describedBy = (errors: Record<string, string>, key: string) =>
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
export function appEditPage(opts: {
  ctx: ConsoleContext;
  app: App;
  draft: EditDraft;
  errors: Record<string, string>;
}) {
  const { ctx, app, draft, errors } = opts;
  const problems = Object.values(errors);
  const browser = usesBrowser(app);
  const path = `${ctx.base}/apps/${app.id}`;
  return consoleLayout({
    ctx,
    section: 'apps',
    title: `Edit ${app.name}`,
    body: html`<h1>Edit ${app.name}</h1>
${problems.length > 0 ? html`<div class="alert" role="alert"><p>The changes were not saved:</p><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>` : ''}
<form method="post" action="${path}/edit" enctype="multipart/form-data" class="wide-form">
<input type="hidden" name="csrf_token" value="${ctx.csrf}">
<label for="name">Display name</label>
<input id="name" name="name" type="text" required maxlength="100" value="${draft.name}"${describedBy(errors, 'name')}>
${fieldError(errors, 'name')}
<label for="logo">New logo <span class="hint">(PNG or JPEG, up to 256 KB; leave empty to keep the current one)</span></label>
${app.logoUrl ? html`<div class="current-logo">${logoImg(app, 48)} <span class="hint">Current logo</span></div>` : ''}
<input id="logo" name="logo" type="file" accept="image/png,image/jpeg"${describedBy(errors, 'logo')}>
${fieldError(errors, 'logo')}${fieldError(errors, 'logoUrl')}
${app.logoUrl ? checkbox('remove_logo', 'Remove the logo', draft.removeLogo, 'The consent page then shows the first letter of the name.') : ''}
${
  browser
    ? html`<label for="redirect_uris">Redirect URIs <span class="hint">(one per line, matched exactly)</span></label>
<textarea id="redirect_uris" name="redirect_uris" rows="3"${describedBy(errors, 'redirectUris')}>${draft.redirectUris}</textarea>
${fieldError(errors, 'redirectUris')}`
    : ''
}
${
  app.type === 'partner'
    ? html`<fieldset>
<legend>Companies' access reaches the app by</legend>
${radio('grant_delivery', 'code', 'Authorization code (redirect with a code)', draft.grantDelivery)}
${radio('grant_delivery', 'company_grant', 'Company grant (a company GUID)', draft.grantDelivery)}
</fieldset>
${fieldError(errors, 'grantDelivery')}`
    : ''
}
${browser ? checkbox('skip_consent', 'Remember consent', draft.skipConsent, 'A later authorization within the scopes a company already granted skips the consent page.') : ''}
${browser && app.type === 'internal' ? checkbox('auto_consent', 'Skip the consent page for our own company', draft.autoConsent, "This internal app is granted without the consent page when your company's admins sign in to it; the grant is still recorded.") : ''}
${fieldError(errors, 'autoConsent')}
${browser ? checkbox('implicit', 'Allow the implicit grant', draft.implicit, 'Tokens in the redirect fragment, for old browser apps; leave off unless the app cannot use the code flow.') : ''}
${fieldError(errors, 'grantTypes')}
<h2>Tokens</h2>
<p class="hint">Changes apply to tokens issued from now on; tokens already issued stay valid until they expire.</p>
<label for="token_ttl">Access token lifetime (seconds)</label>
<input id="token_ttl" name="token_ttl" type="number" min="60" max="86400" step="1" required value="${draft.tokenTtl}"${describedBy(errors, 'tokenTtl')}>
${fieldError(errors, 'tokenTtl')}
<fieldset>
<legend>Token format</legend>
${radio('token_format', 'jwt', 'JWT (resource servers verify it themselves)', draft.tokenFormat)}
${radio('token_format', 'opaque', 'Opaque (resource servers ask the introspection endpoint)', draft.tokenFormat)}
</fieldset>
${fieldError(errors, 'tokenFormat')}
<label for="signing_alg">Signing algorithm</label>
<select id="signing_alg" name="signing_alg"${describedBy(errors, 'signingAlg')}>
${SIGNING_ALGS.map((alg) => html`<option value="${alg}"${draft.signingAlg === alg ? html` selected` : ''}>${alg}</option>`)}
</select>
${fieldError(errors, 'signingAlg')}
${clientAuthSection(app, draft.clientAuth, browser, (key) => fieldError(errors, key))}
<h2>Scopes</h2>
<p>${app.scopes.map((s) => html`<code class="chip">${s}</code> `)}</p>
<p class="hint" id="scopes-fixed">Scopes cannot be changed: every company that connected this app approved exactly these. To ask for other scopes, create a new app.</p>
<div class="actions">
<a class="button secondary" href="${path}">Cancel</a>
<button type="submit" class="primary">Save changes</button>
</div>
</form>`,
  });
}
