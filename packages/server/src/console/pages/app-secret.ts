import type { App } from '../../apps/app-service.ts';
import { html } from '../../pages/html.ts';
import { copyStatus } from '../../pages/layout.ts';
import type { ConsoleContext } from '../context.ts';
import { consoleLayout } from '../layout.ts';

/** Connecteam's step 2: the client ID and the secret, shown this once. */
export function appSecretPage(ctx: ConsoleContext, app: App, secret: string, rotated: boolean) {
  const { t } = ctx.ui;
  return consoleLayout({
    ctx,
    section: 'apps',
    title: t.t('secret.title'),
    script: true,
    body: html`<h1>${t.t(rotated ? 'secret.heading_rotated' : 'secret.heading_new', { app: app.name })}</h1>
<p class="warning" role="note"><strong>${t.t('secret.warning')}</strong> ${t.t('secret.once')}</p>
<label for="client-id">${t.t('app.client_id')}</label>
<div class="copy-row"><input id="client-id" type="text" readonly value="${app.clientId}" dir="ltr">
<button type="button" class="secondary" data-copy="client-id">${t.t('frame.copy')}</button></div>
<label for="client-secret">${t.t('app.client_secret')}</label>
<div class="copy-row"><input id="client-secret" type="text" readonly value="${secret}" dir="ltr">
<button type="button" class="secondary" data-copy="client-secret">${t.t('frame.copy')}</button></div>
${copyStatus(ctx.ui)}
<p><a class="button primary" href="${ctx.base}/apps/${app.id}">${t.t('secret.saved')}</a></p>`,
  });
}
