import type { FeatureFamily, PlainScope } from '@gatehouse/scopes';
import { html } from '../../pages/html.ts';
import type { ConsoleContext } from '../context.ts';
import { consoleLayout } from '../layout.ts';
import { scopeTable } from './scope-table.ts';

/** What was typed, kept across a failed submit so nothing has to be typed twice. */
export interface AppDraft {
  name: string;
  type: 'internal' | 'partner';
  delivery: 'code' | 'company_grant';
  redirectUris: string;
  tokenTtl: string;
  scopes: string[];
}

export const EMPTY_DRAFT: AppDraft = {
  name: '',
  type: 'internal',
  delivery: 'code',
  redirectUris: '',
  tokenTtl: '3600',
  scopes: [],
};

const fieldError = (errors: Record<string, string>, key: string) =>
  errors[key] ? html`<p class="field-error" id="${key}-error">${errors[key]}</p>` : '';

/** Connecteam's "Create app": display name, logo, type, redirect URIs, lifetime, scopes. */
export function appCreatePage(opts: {
  ctx: ConsoleContext;
  draft: AppDraft;
  errors: Record<string, string>;
  features: readonly FeatureFamily[];
  plain: readonly PlainScope[];
}) {
  const { ctx, draft, errors } = opts;
  const problems = Object.values(errors);
  return consoleLayout({
    ctx,
    section: 'apps',
    title: 'Create app',
    body: html`<h1>Create app</h1>
${problems.length > 0 ? html`<div class="alert" role="alert"><p>The app was not created:</p><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>` : ''}
<form method="post" action="${ctx.base}/apps" enctype="multipart/form-data" class="wide-form">
<input type="hidden" name="csrf_token" value="${ctx.csrf}">
<label for="name">Display name</label>
<input id="name" name="name" type="text" required maxlength="100" value="${draft.name}" placeholder="Internal Dashboards">
${fieldError(errors, 'name')}
<label for="logo">Logo <span class="hint">(PNG or JPEG, up to 256 KB, optional)</span></label>
<input id="logo" name="logo" type="file" accept="image/png,image/jpeg">
${fieldError(errors, 'logo')}
<fieldset>
<legend>Type</legend>
<div class="choice"><input type="radio" id="type-internal" name="type" value="internal" ${draft.type === 'internal' ? html`checked` : ''}>
<label for="type-internal">Internal: client credentials for ${ctx.company.name}</label></div>
<div class="choice"><input type="radio" id="type-partner" name="type" value="partner" ${draft.type === 'partner' ? html`checked` : ''}>
<label for="type-partner">Partner: other companies grant it access</label></div>
</fieldset>
${fieldError(errors, 'type')}
<fieldset>
<legend>Partner apps receive access by</legend>
<div class="choice"><input type="radio" id="delivery-code" name="delivery" value="code" ${draft.delivery === 'code' ? html`checked` : ''}>
<label for="delivery-code">Authorization code (redirect with a code)</label></div>
<div class="choice"><input type="radio" id="delivery-grant" name="delivery" value="company_grant" ${draft.delivery === 'company_grant' ? html`checked` : ''}>
<label for="delivery-grant">Company grant (a company GUID)</label></div>
</fieldset>
<label for="redirect_uris">Redirect URIs <span class="hint">(one per line; partner apps)</span></label>
<textarea id="redirect_uris" name="redirect_uris" rows="3">${draft.redirectUris}</textarea>
${fieldError(errors, 'redirectUris')}
<label for="token_ttl">Access token lifetime (seconds)</label>
<input id="token_ttl" name="token_ttl" type="number" min="60" max="86400" step="1" required value="${draft.tokenTtl}">
${fieldError(errors, 'tokenTtl')}
${scopeTable(ctx.ui.t, opts.features, opts.plain, new Set(draft.scopes))}
${fieldError(errors, 'scopes')}
<div class="actions">
<a class="button secondary" href="${ctx.base}/apps">Cancel</a>
<button type="submit" class="primary">Save app</button>
</div>
</form>`,
  });
}
