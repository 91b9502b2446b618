import { html } from '../../pages/html.ts';
import { copyStatus } from '../../pages/layout.ts';
import {
  WEBHOOK_EVENT_TYPES,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '../../webhooks/webhook-service.ts';
import type { ConsoleContext } from '../context.ts';
import { consoleLayout } from '../layout.ts';
import { formatTime } from './format-time.ts';

export function webhooksPage(ctx: ConsoleContext, endpoints: WebhookEndpoint[]) {
  return consoleLayout({
    ctx,
    section: 'webhooks',
    title: 'Webhooks',
    body: html`<div class="heading"><h1>Webhooks</h1>
${ctx.isAdmin ? html`<a class="button primary" href="${ctx.base}/webhooks/new">Add endpoint</a>` : ''}</div>
<p class="lead">Gatehouse signs each event (Standard Webhooks) and retries failed deliveries.</p>
${
  endpoints.length === 0
    ? html`<p>No endpoints yet.</p>`
    : html`<table class="data"><caption class="sr-only">Webhook endpoints</caption>
<thead><tr><th scope="col">URL</th><th scope="col">Events</th><th scope="col">Secret</th><th scope="col">Created</th></tr></thead>
<tbody>${endpoints.map(
        (e) => html`<tr><td><a href="${ctx.base}/webhooks/${e.id}">${e.url}</a></td>
<td>${e.events.map((ev) => html`<code class="chip">${ev}</code> `)}</td>
<td><code>••••${e.secretLast4}</code></td><td>${formatTime(ctx.ui.t, e.createdAt)}</td></tr>`,
      )}</tbody></table>`
}`,
  });
}

export function webhookNewPage(
  ctx: ConsoleContext,
  draft: { url: string; events: string[]; description: string },
  errors: Record<string, string>,
) {
  const problems = Object.values(errors);
  return consoleLayout({
    ctx,
    section: 'webhooks',
    title: 'Add webhook endpoint',
    body: html`<h1>Add webhook endpoint</h1>
${problems.length ? html`<div class="alert" role="alert"><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>` : ''}
<form method="post" action="${ctx.base}/webhooks" class="wide-form">
<input type="hidden" name="csrf_token" value="${ctx.csrf}">
<label for="url">Endpoint URL</label>
<input id="url" name="url" type="text" required value="${draft.url}" placeholder="https://example.com/webhooks/gatehouse">
<label for="description">Description <span class="hint">(optional)</span></label>
<input id="description" name="description" type="text" maxlength="200" value="${draft.description}">
<fieldset><legend>Events</legend>
${['*', ...WEBHOOK_EVENT_TYPES].map(
  (
    ev,
    i,
  ) => html`<div class="choice"><input type="checkbox" id="event-${i}" name="event" value="${ev}" ${draft.events.includes(ev) ? html`checked` : ''}>
<label for="event-${i}">${ev === '*' ? 'All events' : ev}</label></div>`,
)}
</fieldset>
<div class="actions"><a class="button secondary" href="${ctx.base}/webhooks">Cancel</a>
<button type="submit" class="primary">Add endpoint</button></div>
</form>`,
  });
}

export function webhookSecretPage(ctx: ConsoleContext, endpoint: WebhookEndpoint, secret: string) {
  return consoleLayout({
    ctx,
    section: 'webhooks',
    title: 'Signing secret',
    script: true,
    body: html`<h1>Signing secret for ${endpoint.url}</h1>
<p class="warning" role="note"><strong>Warning:</strong> the signing secret is shown only once. Store it where your receiver verifies signatures.</p>
<label for="webhook-secret">Signing secret</label>
<div class="copy-row"><input id="webhook-secret" type="text" readonly value="${secret}">
<button type="button" class="secondary" data-copy="webhook-secret">Copy</button></div>
${copyStatus(ctx.ui)}
<p><a class="button primary" href="${ctx.base}/webhooks/${endpoint.id}">I have saved the secret</a></p>`,
  });
}

export function webhookDetailPage(
  ctx: ConsoleContext,
  endpoint: WebhookEndpoint,
  deliveries: { delivery: WebhookDelivery; attempts: WebhookAttempt[] }[],
) {
  return consoleLayout({
    ctx,
    section: 'webhooks',
    title: 'Webhook deliveries',
    body: html`<h1>${endpoint.url}</h1>
<p class="lead">Events: ${endpoint.events.join(', ')} · secret ••••${endpoint.secretLast4}${endpoint.description ? html` · ${endpoint.description}` : ''}</p>
<h2>Recent deliveries</h2>
${
  deliveries.length === 0
    ? html`<p>No deliveries yet.</p>`
    : html`<table class="data"><caption class="sr-only">Deliveries and their attempts</caption>
<thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Attempts</th></tr></thead>
<tbody>${deliveries.map(
        ({
          delivery: d,
          attempts,
        }) => html`<tr><td><code>${d.eventType}</code><br><span class="hint">${d.id}</span></td>
<td>${d.status}${d.lastError ? html`<br><span class="hint">${d.lastError}</span>` : ''}</td>
<td>${formatTime(ctx.ui.t, d.createdAt)}</td>
<td>${attempts.length === 0 ? 'None yet' : html`<ol class="plain">${attempts.map((a) => html`<li>${formatTime(ctx.ui.t, a.attemptedAt)}: ${a.statusCode ?? a.error ?? 'no answer'} (${a.durationMs} ms)</li>`)}</ol>`}</td></tr>`,
      )}</tbody></table>`
}
${ctx.isAdmin ? html`<div class="actions left"><a class="button danger" href="${ctx.base}/webhooks/${endpoint.id}/delete">Delete endpoint</a></div>` : ''}`,
  });
}
