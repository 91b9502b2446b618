import type { ConnectedApp } from '../../consents/company-grant-service.ts';
import { html } from '../../pages/html.ts';
import { copyStatus } from '../../pages/layout.ts';
import type { ConsoleContext } from '../context.ts';
import { consoleLayout } from '../layout.ts';
import { logoImg } from './apps-list.ts';
import { formatTime } from './format-time.ts';

/** 7shifts' Company Settings → Developer Tools → Connected Apps. */
export function connectedAppsPage(ctx: ConsoleContext, rows: ConnectedApp[], grantedBy: Map<string, string>) {
  const { t } = ctx.ui;
  const company = ctx.company.name;
  return consoleLayout({
    ctx,
    section: 'connected',
    title: t.t('console.nav.connected'),
    script: true,
    body: html`<h1>${t.t('console.nav.connected')}</h1>
<p class="lead">${t.t('connected.lead', { company })}</p>
${
  rows.length === 0
    ? html`<p>${t.t('connected.empty')}</p>`
    : html`<table class="data">
<caption class="sr-only">${t.t('connected.caption', { company })}</caption>
<thead><tr><th scope="col">${t.t('connected.col.app')}</th><th scope="col">${t.t('apps.col.scopes')}</th><th scope="col">${t.t('connected.col.granted_by')}</th><th scope="col">${t.t('connected.col.granted')}</th><th scope="col">${t.t('apps.col.last_used')}</th><th scope="col">${t.t('connected.col.guid')}</th><th scope="col"><span class="sr-only">${t.t('connected.col.actions')}</span></th></tr></thead>
<tbody>
${rows.map(
  ({ grant, app }) => html`<tr${grant.revokedAt ? html` class="revoked"` : ''}>
<td><span class="app-cell">${logoImg(app)}${app.name}</span></td>
<td>${grant.scopes.map((s) => html`<code class="chip">${s}</code> `)}</td>
<td>${grant.grantedBy ? (grantedBy.get(grant.grantedBy) ?? grant.grantedBy) : t.t('connected.unknown')}</td>
<td>${formatTime(ctx.ui.t, grant.createdAt)}</td>
<td>${formatTime(ctx.ui.t, grant.lastUsedAt)}</td>
<td><div class="copy-row"><input id="guid-${grant.id}" type="text" readonly value="${grant.guid}" aria-label="${t.t('connected.guid_of', { app: app.name })}" dir="ltr">
<button type="button" class="secondary small" data-copy="guid-${grant.id}">${t.t('connected.copy_guid')}</button></div></td>
<td>${
    grant.revokedAt
      ? t.t('connected.revoked', { time: formatTime(t, grant.revokedAt) })
      : ctx.isAdmin
        ? html`<a class="button danger small" href="${ctx.base}/connected-apps/${grant.id}/revoke">${t.t('connected.revoke')}</a>`
        : ''
  }</td>
</tr>`,
)}
</tbody>
</table>
${copyStatus(ctx.ui)}`
}
${!ctx.isAdmin ? html`<p class="notice">${t.t('connected.read_only')}</p>` : ''}`,
  });
}
