import type { MessageKey } from '../../i18n/catalogs.ts';
import type { Text } from '../../i18n/translator.ts';
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

const STATUS: Record<WebhookDelivery['status'], MessageKey> = {
  pending: 'webhook.status.pending',
  delivered: 'webhook.status.delivered',
  failed: 'webhook.status.failed',
};

export function webhooksPage(ctx: ConsoleContext, endpoints: WebhookEndpoint[]) {
  const { t } = ctx.ui;
  return consoleLayout({
    ctx,
    section: 'webhooks',
    title: t.t('webhooks.title'),
    body: html`<div class="heading"><h1>${t.t('webhooks.title')}</h1>
${ctx.isAdmin ? html`<a class="button primary" href="${ctx.base}/webhooks/new">${t.t('webhooks.add')}</a>` : ''}</div>
<p class="lead">${t.t('webhooks.lead')}</p>
${
  endpoints.length === 0
    ? html`<p>${t.t('webhooks.empty')}</p>`
    : html`<table class="data"><caption class="sr-only">${t.t('webhooks.caption')}</caption>
<thead><tr><th scope="col">${t.t('webhooks.col.url')}</th><th scope="col">${t.t('webhooks.col.events')}</th><th scope="col">${t.t('webhooks.col.secret')}</th><th scope="col">${t.t('webhooks.col.created')}</th></tr></thead>
<tbody>${endpoints.map(
        (e) => html`<tr><td><a href="${ctx.base}/webhooks/${e.id}" dir="ltr">${e.url}</a></td>
<td>${e.events.map((ev) => html`<code class="chip">${ev}</code> `)}</td>
<td><code dir="ltr">••••${e.secretLast4}</code></td><td>${formatTime(t, e.createdAt)}</td></tr>`,
      )}</tbody></table>`
}`,
  });
}

/** The form to add an endpoint; `errors` are the service's problems with it, by field. */
export function webhookNewPage(
  ctx: ConsoleContext,
  draft: { url: string; events: string[]; description: string },
  errors: Readonly<Record<string, Text>>,
) {
  const { t } = ctx.ui;
  const problems = Object.values(errors);
  return consoleLayout({
    ctx,
    section: 'webhooks',
    title: t.t('webhook.new.title'),
    body: html`<h1>${t.t('webhook.new.title')}</h1>
${problems.length ? html`<div class="alert" role="alert"><ul>${problems.map((p) => html`<li>${t.text(p)}</li>`)}</ul></div>` : ''}
<form method="post" action="${ctx.base}/webhooks" class="wide-form">
<input type="hidden" name="csrf_token" value="${ctx.csrf}">
<label for="url">${t.t('webhook.new.url')}</label>
<input id="url" name="url" type="text" required value="${draft.url}" dir="ltr" placeholder="https://example.com/webhooks/gatehouse">
<label for="description">${t.t('webhook.new.description')} <span class="hint">${t.t('webhook.new.optional')}</span></label>
<input id="description" name="description" type="text" maxlength="200" value="${draft.description}">
<fieldset><legend>${t.t('webhook.new.events')}</legend>
${['*', ...WEBHOOK_EVENT_TYPES].map(
  (
    ev,
    i,
  ) => html`<div class="choice"><input type="checkbox" id="event-${i}" name="event" value="${ev}" ${draft.events.includes(ev) ? html`checked` : ''}>
<label for="event-${i}">${ev === '*' ? t.t('webhook.new.all_events') : html`<code>${ev}</code>`}</label></div>`,
)}
</fieldset>
<div class="actions"><a class="button secondary" href="${ctx.base}/webhooks">${t.t('confirm.cancel')}</a>
<button type="submit" class="primary">${t.t('webhooks.add')}</button></div>
</form>`,
  });
}

export function webhookSecretPage(ctx: ConsoleContext, endpoint: WebhookEndpoint, secret: string) {
  const { t } = ctx.ui;
  return consoleLayout({
    ctx,
    section: 'webhooks',
    title: t.t('webhook.secret.title'),
    script: true,
    body: html`<h1>${t.html('webhook.secret.heading', { url: html`<span dir="ltr">${endpoint.url}</span>` })}</h1>
<p class="warning" role="note"><strong>${t.t('secret.warning')}</strong> ${t.t('webhook.secret.once')}</p>
<label for="webhook-secret">${t.t('webhook.secret.title')}</label>
<div class="copy-row"><input id="webhook-secret" type="text" readonly value="${secret}" dir="ltr">
<button type="button" class="secondary" data-copy="webhook-secret">${t.t('frame.copy')}</button></div>
${copyStatus(ctx.ui)}
<p><a class="button primary" href="${ctx.base}/webhooks/${endpoint.id}">${t.t('secret.saved')}</a></p>`,
  });
}

export function webhookDetailPage(
  ctx: ConsoleContext,
  endpoint: WebhookEndpoint,
  deliveries: { delivery: WebhookDelivery; attempts: WebhookAttempt[] }[],
) {
  const { t } = ctx.ui;
  const attempt = (a: WebhookAttempt) =>
    t.t('webhook.attempt', {
      time: formatTime(t, a.attemptedAt),
      result: a.statusCode === null ? (a.error ?? t.t('webhook.attempt.no_answer')) : String(a.statusCode),
      ms: a.durationMs,
    });
  return consoleLayout({
    ctx,
    section: 'webhooks',
    title: t.t('webhook.detail.title'),
    body: html`<h1 dir="ltr">${endpoint.url}</h1>
<p class="lead">${t.t('webhook.detail.facts', { events: endpoint.events.join(', '), last4: endpoint.secretLast4 })}${endpoint.description ? html` · ${endpoint.description}` : ''}</p>
<h2>${t.t('webhook.detail.recent')}</h2>
${
  deliveries.length === 0
    ? html`<p>${t.t('webhook.detail.empty')}</p>`
    : html`<table class="data"><caption class="sr-only">${t.t('webhook.detail.caption')}</caption>
<thead><tr><th scope="col">${t.t('webhook.detail.col.event')}</th><th scope="col">${t.t('webhook.detail.col.status')}</th><th scope="col">${t.t('webhook.detail.col.created')}</th><th scope="col">${t.t('webhook.detail.col.attempts')}</th></tr></thead>
<tbody>${deliveries.map(
        ({
          delivery: d,
          attempts,
        }) => html`<tr><td><code>${d.eventType}</code><br><span class="hint">${d.id}</span></td>
<td>${t.t(STATUS[d.status])}${d.lastError ? html`<br><span class="hint">${d.lastError}</span>` : ''}</td>
<td>${formatTime(t, d.createdAt)}</td>
<td>${attempts.length === 0 ? t.t('webhook.attempts.none') : html`<ol class="plain">${attempts.map((a) => html`<li>${attempt(a)}</li>`)}</ol>`}</td></tr>`,
      )}</tbody></table>`
}
${ctx.isAdmin ? html`<div class="actions left"><a class="button danger" href="${ctx.base}/webhooks/${endpoint.id}/delete">${t.t('webhook.delete')}</a></div>` : ''}`,
  });
}
