import type { AuditEvent } from '../../audit/audit-service.ts';
import type { Translator } from '../../i18n/translator.ts';
import { html } from '../../pages/html.ts';
import type { ConsoleContext } from '../context.ts';
import { consoleLayout } from '../layout.ts';
import { formatTime } from './format-time.ts';

/** The actions the filter offers; the log names each through the catalogs (`audit.<action>`). */
export const AUDIT_ACTIONS = [
  'app.created',
  'app.updated',
  'app.secret_rotated',
  'app.deleted',
  'grant.created',
  'grant.updated',
  'grant.revoked',
  'admin_key.created',
  'admin_key.revoked',
  'webhook.created',
  'webhook.deleted',
  'membership.set',
  'company.created',
  'token.exchanged',
] as const;

const label = (t: Translator, action: string): string =>
  (AUDIT_ACTIONS as readonly string[]).includes(action)
    ? t.t(`audit.${action as (typeof AUDIT_ACTIONS)[number]}`)
    : action;

function summary(t: Translator, e: AuditEvent): string {
  const d = e.data;
  const parts = [d.name, d.app_name, d.url, d.guid, d.subject, d.resource].filter(
    (v): v is string => typeof v === 'string',
  );
  if (typeof d.grace_seconds === 'number') parts.push(t.t('audit.grace', { count: d.grace_seconds }));
  if (Array.isArray(d.scopes)) parts.push(d.scopes.join(' '));
  if (d.changes && typeof d.changes === 'object')
    parts.push(t.t('audit.changed', { fields: Object.keys(d.changes).join(', ') }));
  return parts.join(' · ');
}

/** Who did what and when, newest first, filtered by action and target. */
export function auditLogPage(opts: {
  ctx: ConsoleContext;
  events: AuditEvent[];
  actors: Map<string, string>;
  action: string;
  target: string;
  next: string | null;
}) {
  const { ctx } = opts;
  const { t } = ctx.ui;
  const more = new URLSearchParams({
    ...(opts.action ? { action: opts.action } : {}),
    ...(opts.target ? { target: opts.target } : {}),
    ...(opts.next ? { cursor: opts.next } : {}),
  });
  return consoleLayout({
    ctx,
    section: 'audit',
    title: t.t('console.nav.audit'),
    body: html`<h1>${t.t('console.nav.audit')}</h1>
<form method="get" action="${ctx.base}/audit" class="filters">
<div><label for="action">${t.t('audit.action')}</label>
<select id="action" name="action"><option value="">${t.t('audit.all_actions')}</option>
${AUDIT_ACTIONS.map((v) => html`<option value="${v}" ${v === opts.action ? html`selected` : ''}>${label(t, v)}</option>`)}
</select></div>
<div><label for="target">${t.t('audit.target')}</label>
<input id="target" name="target" type="text" value="${opts.target}" placeholder="app:app_…" dir="ltr"></div>
<button type="submit" class="secondary">${t.t('audit.filter')}</button>
</form>
${
  opts.events.length === 0
    ? html`<p>${t.t('audit.empty')}</p>`
    : html`<table class="data">
<caption class="sr-only">${t.t('audit.caption')}</caption>
<thead><tr><th scope="col">${t.t('audit.col.when')}</th><th scope="col">${t.t('audit.col.who')}</th><th scope="col">${t.t('audit.col.what')}</th><th scope="col">${t.t('audit.target')}</th><th scope="col">${t.t('audit.col.details')}</th></tr></thead>
<tbody>
${opts.events.map(
  (e) => html`<tr>
<td>${formatTime(t, e.createdAt)}</td>
<td>${opts.actors.get(e.actor) ?? e.actor}</td>
<td>${label(t, e.action)}</td>
<td><code>${e.target ?? ''}</code></td>
<td>${summary(t, e)}</td>
</tr>`,
)}
</tbody>
</table>`
}
${opts.next ? html`<p><a href="${ctx.base}/audit?${more.toString()}">${t.t('audit.older')}</a></p>` : ''}`,
  });
}
