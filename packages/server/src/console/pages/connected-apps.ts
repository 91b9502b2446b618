import type { ConnectedApp } from '../../consents/company-grant-service.ts';
import { html } from '../../pages/html.ts';
import { copyStatus } from '../../pages/layout.ts';
import type { ConsoleContext } from '../context.ts';
import { consoleLayout } from '../layout.ts';
import { logoImg } from './apps-list.ts';
import { formatTime } from './format-time.ts';

/** 7shifts' Company Settings → Developer Tools → Connected Apps. */
export function connectedAppsPage(ctx: ConsoleContext, rows: ConnectedApp[], grantedBy: Map<string, string>) {
  return consoleLayout({
    ctx,
    section: 'connected',
    title: 'Connected Apps',
    script: true,
    body: html`<h1>Connected Apps</h1>
<p class="lead">Apps that ${ctx.company.name} has granted access to its data. You can revoke access at any time.</p>
${
  rows.length === 0
    ? html`<p>No app has been granted access yet.</p>`
    : html`<table class="data">
<caption class="sr-only">Grants to ${ctx.company.name}</caption>
<thead><tr><th scope="col">App</th><th scope="col">Scopes</th><th scope="col">Granted by</th><th scope="col">Granted</th><th scope="col">Last used</th><th scope="col">Company GUID</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
<tbody>
${rows.map(
  ({ grant, app }) => html`<tr${grant.revokedAt ? html` class="revoked"` : ''}>
<td><span class="app-cell">${logoImg(app)}${app.name}</span></td>
<td>${grant.scopes.map((s) => html`<code class="chip">${s}</code> `)}</td>
<td>${grant.grantedBy ? (grantedBy.get(grant.grantedBy) ?? grant.grantedBy) : 'Unknown'}</td>
<td>${formatTime(ctx.ui.t, grant.createdAt)}</td>
<td>${formatTime(ctx.ui.t, grant.lastUsedAt)}</td>
<td><div class="copy-row"><input id="guid-${grant.id}" type="text" readonly value="${grant.guid}" aria-label="Company GUID for ${app.name}">
<button type="button" class="secondary small" data-copy="guid-${grant.id}">Copy GUID</button></div></td>
<td>${
    grant.revokedAt
      ? html`Revoked ${formatTime(ctx.ui.t, grant.revokedAt)}`
      : ctx.isAdmin
        ? html`<a class="button danger small" href="${ctx.base}/connected-apps/${grant.id}/revoke">Revoke</a>`
        : ''
  }</td>
</tr>`,
)}
</tbody>
</table>
${copyStatus(ctx.ui)}`
}
${!ctx.isAdmin ? html`<p class="notice">Read-only: only administrators can revoke access.</p>` : ''}`,
  });
}
