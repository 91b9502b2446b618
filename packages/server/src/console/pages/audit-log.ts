import type { AuditEvent } from '../../audit/audit-service.ts';
import { html } from '../../pages/html.ts';
import type { ConsoleContext } from '../context.ts';
import { consoleLayout } from '../layout.ts';
import { formatTime } from './format-time.ts';

/** The actions the filter offers, with how the log names them. */
export const AUDIT_ACTIONS: [string, string][] = [
  ['app.created', 'App created'],
  ['app.updated', 'App edited'],
  ['app.secret_rotated', 'Secret rotated'],
  ['app.deleted', 'App deleted'],
  ['grant.created', 'Access granted'],
  ['grant.updated', 'Access widened'],
  ['grant.revoked', 'Access revoked'],
  ['admin_key.created', 'Admin key created'],
  ['admin_key.revoked', 'Admin key revoked'],
  ['webhook.created', 'Webhook created'],
  ['webhook.deleted', 'Webhook deleted'],
  ['membership.set', 'Membership changed'],
  ['company.created', 'Company created'],
];
const LABELS = new Map(AUDIT_ACTIONS);

function summary(e: AuditEvent): string {
  const d = e.data;
  const parts = [d.name, d.app_name, d.url, d.guid].filter((v): v is string => typeof v === 'string');
  if (typeof d.grace_seconds === 'number') parts.push(`grace ${d.grace_seconds} s`);
  if (Array.isArray(d.scopes)) parts.push(d.scopes.join(' '));
  if (d.changes && typeof d.changes === 'object') parts.push(`changed ${Object.keys(d.changes).join(', ')}`);
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
  const more = new URLSearchParams({
    ...(opts.action ? { action: opts.action } : {}),
    ...(opts.target ? { target: opts.target } : {}),
    ...(opts.next ? { cursor: opts.next } : {}),
  });
  return consoleLayout({
    ctx,
    section: 'audit',
    title: 'Audit log',
    body: html`<h1>Audit log</h1>
<form method="get" action="${ctx.base}/audit" class="filters">
<div><label for="action">Action</label>
<select id="action" name="action"><option value="">All actions</option>
${AUDIT_ACTIONS.map(([v, l]) => html`<option value="${v}" ${v === opts.action ? html`selected` : ''}>${l}</option>`)}
</select></div>
<div><label for="target">Target</label>
<input id="target" name="target" type="text" value="${opts.target}" placeholder="app:app_…"></div>
<button type="submit" class="secondary">Filter</button>
</form>
${
  opts.events.length === 0
    ? html`<p>No events match.</p>`
    : html`<table class="data">
<caption class="sr-only">Audit events</caption>
<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Target</th><th scope="col">Details</th></tr></thead>
<tbody>
${opts.events.map(
  (e) => html`<tr>
<td>${formatTime(ctx.ui.t, e.createdAt)}</td>
<td>${opts.actors.get(e.actor) ?? e.actor}</td>
<td>${LABELS.get(e.action) ?? e.action}</td>
<td><code>${e.target ?? ''}</code></td>
<td>${summary(e)}</td>
</tr>`,
)}
</tbody>
</table>`
}
${opts.next ? html`<p><a href="${ctx.base}/audit?${more.toString()}">Older events</a></p>` : ''}`,
  });
}
