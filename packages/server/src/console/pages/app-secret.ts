import type { App } from '../../apps/app-service.ts';
import { html } from '../../pages/html.ts';
import { copyStatus } from '../../pages/layout.ts';
import type { ConsoleContext } from '../context.ts';
import { consoleLayout } from '../layout.ts';

/** Connecteam's step 2: the client ID and the secret, shown this once. */
export function appSecretPage(ctx: ConsoleContext, app: App, secret: string, rotated: boolean) {
  return consoleLayout({
    ctx,
    section: 'apps',
    title: 'Save your credentials',
    script: true,
    body: html`<h1>${rotated ? 'New secret for' : 'Credentials for'} ${app.name}</h1>
<p class="warning" role="note"><strong>Warning:</strong> the client secret is shown only once. Copy it and store it securely before you leave this page.</p>
<label for="client-id">Client ID</label>
<div class="copy-row"><input id="client-id" type="text" readonly value="${app.clientId}">
<button type="button" class="secondary" data-copy="client-id">Copy</button></div>
<label for="client-secret">Client secret</label>
<div class="copy-row"><input id="client-secret" type="text" readonly value="${secret}">
<button type="button" class="secondary" data-copy="client-secret">Copy</button></div>
${copyStatus(ctx.ui)}
<p><a class="button primary" href="${ctx.base}/apps/${app.id}">I have saved the secret</a></p>`,
  });
}
