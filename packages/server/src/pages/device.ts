import type { App } from '../apps/app-service.ts';
import type { PlainScope } from '../oauth/scopes/catalog.ts';
import { html } from './html.ts';
import { hiddenFields, layout, type PageUi } from './layout.ts';

/** GET /device (RFC 8628 3.3): the code entry form, with what was typed and why it failed. */
export function deviceCodePage(ui: PageUi, opts: { csrf: string; userCode?: string; invalid?: boolean }) {
  const { t } = ui;
  return layout({
    ui,
    title: t.t('device.title'),
    body: html`<h1>${t.t('device.title')}</h1>
<p class="lead">${t.t('device.lead')}</p>
${opts.invalid ? html`<p class="alert" role="alert">${t.t('device.invalid')}</p>` : ''}
<form method="post" action="/device">
${hiddenFields({ csrf_token: opts.csrf })}
<label for="user_code">${t.t('device.code_label')}</label>
<input id="user_code" name="user_code" type="text" required autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="40" value="${opts.userCode ?? ''}" dir="ltr">
<button type="submit" class="primary">${t.t('device.continue')}</button>
</form>`,
  });
}

/**
 * What the device asks, before anything is granted: the app, its logo, the code to compare
 * with the device's screen, the scopes, and a warning against codes sent by someone else
 * (RFC 8628 5.4, remote phishing).
 */
export function deviceConfirmPage(
  ui: PageUi,
  opts: { csrf: string; userCode: string; app: App; scopes: PlainScope[] },
) {
  const { t } = ui;
  const { app } = opts;
  return layout({
    ui,
    title: t.t('device.confirm_title'),
    body: html`${app.logoUrl ? html`<img class="logo" src="${app.logoUrl}" alt="${t.t('consent.app_logo_alt', { app: app.name })}" width="64" height="64">` : ''}
<h1>${t.t('device.confirm_title')}</h1>
<p class="lead">${t.html('device.confirm_lead', { app: html`<strong>${app.name}</strong>`, code: html`<code dir="ltr">${opts.userCode}</code>` })}</p>
<p>${t.t('device.confirm_scopes')}</p>
<ul class="scopes" aria-label="${t.t('consent.scope_count', { count: opts.scopes.length })}">
${opts.scopes.map((s) => html`<li><span class="scope-desc">${s.description}</span> <code>${s.name}</code></li>`)}
</ul>
<p class="hint">${t.t('device.confirm_warning')}</p>
<form method="post" action="/device/confirm" class="actions">
${hiddenFields({ csrf_token: opts.csrf, user_code: opts.userCode })}
<button type="submit" name="decision" value="deny" class="secondary">${t.t('device.deny')}</button>
<button type="submit" name="decision" value="continue" class="primary">${t.t('device.continue')}</button>
</form>`,
  });
}

/** The end of the verification: the device continues by itself (approved) or hears `access_denied`. */
export function deviceResultPage(ui: PageUi, opts: { approved: boolean; appName: string }) {
  const { t } = ui;
  const title = t.t(opts.approved ? 'device.approved_title' : 'device.denied_title');
  return layout({
    ui,
    title,
    body: html`<h1>${title}</h1>
<p class="lead" role="status">${t.t(opts.approved ? 'device.approved' : 'device.denied', { app: opts.appName })}</p>`,
  });
}
