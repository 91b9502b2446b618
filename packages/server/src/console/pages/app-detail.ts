import type { AppWithSecrets } from '../../apps/app-service.ts';
import { html } from '../../pages/html.ts';
import type { ConsoleContext } from '../context.ts';
import { consoleLayout } from '../layout.ts';
import { usesBrowser } from './app-edit.ts';
import { logoImg } from './apps-list.ts';
import { formatTime } from './format-time.ts';

/** One app: its settings, its live secrets by their last four characters, and actions. */
export function appDetailPage(ctx: ConsoleContext, app: AppWithSecrets, saved = false) {
  const now = Date.now();
  const isPublic = app.clientType === 'public';
  return consoleLayout({
    ctx,
    section: 'apps',
    title: app.name,
    script: true,
    body: html`<div class="heading"><h1 class="app-cell">${logoImg(app, 48)} ${app.name}</h1>
${ctx.isAdmin ? html`<a class="button secondary" href="${ctx.base}/apps/${app.id}/edit">Edit app</a>` : ''}</div>
${saved ? html`<p class="notice" role="status">Changes saved. They apply to new authorizations and newly issued tokens; tokens already issued keep working until they expire.</p>` : ''}
<dl class="facts">
<dt>Type</dt><dd>${app.type === 'internal' ? 'Internal (client credentials)' : `Partner (${app.grantDelivery === 'company_grant' ? 'company grant' : 'authorization code'})`}</dd>
<dt><label for="client-id">Client ID</label></dt><dd><div class="copy-row"><input id="client-id" type="text" readonly value="${app.clientId}">
<button type="button" class="secondary" data-copy="client-id">Copy</button></div><p class="hint" id="copy-status" aria-live="polite"></p></dd>
<dt>Client secret</dt><dd>${
      isPublic
        ? html`None: a public client has no secret; it proves itself with PKCE.`
        : html`<ul class="plain">${app.secrets.map(
            (s) =>
              html`<li><code class="secret-last4">••••${s.last4}</code> created ${formatTime(s.createdAt)}${s.expiresAt && s.expiresAt.getTime() > now ? html` · <strong>stops working ${formatTime(s.expiresAt)}</strong>` : ''}</li>`,
          )}</ul>`
    }</dd>
<dt>Scopes</dt><dd>${app.scopes.map((s) => html`<code class="chip">${s}</code> `)}<p class="hint">Scopes cannot be edited after creation: create a new app for other scopes.</p></dd>
<dt>Redirect URIs</dt><dd>${app.redirectUris.length ? html`<ul class="plain">${app.redirectUris.map((u) => html`<li><code>${u}</code></li>`)}</ul>` : 'None'}</dd>
<dt>Tokens</dt><dd>${app.tokenTtl} seconds, ${app.tokenFormat === 'opaque' ? 'opaque' : `JWT signed with ${app.signingAlg}`}</dd>
${usesBrowser(app) ? html`<dt>Consent</dt><dd>${app.autoConsent && app.type === 'internal' ? 'Skipped for your own company (the grant is still recorded)' : app.skipConsent ? 'Remembered: a later authorization within granted scopes skips the page' : 'Asked every time'}${app.grantTypes.includes('implicit') ? ' · implicit grant allowed' : ''}</dd>` : ''}
<dt>Created</dt><dd>${formatTime(app.createdAt)}</dd>
<dt>Last used</dt><dd>${formatTime(app.lastUsedAt)}</dd>
</dl>
${
  ctx.isAdmin
    ? html`<div class="actions left">
${isPublic ? '' : html`<a class="button secondary" href="${ctx.base}/apps/${app.id}/rotate">Rotate secret</a>`}
<a class="button danger" href="${ctx.base}/apps/${app.id}/delete">Delete app</a>
</div>`
    : html`<p class="notice">Read-only: only administrators can edit the app, rotate its secret or delete it.</p>`
}`,
  });
}
