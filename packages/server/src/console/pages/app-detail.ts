import type { AppWithSecrets } from '../../apps/app-service.ts';
import { html } from '../../pages/html.ts';
import { copyStatus } from '../../pages/layout.ts';
import type { ConsoleContext } from '../context.ts';
import { consoleLayout } from '../layout.ts';
import { usesBrowser } from './app-edit.ts';
import { exchangeFacts } from './app-token-exchange.ts';
import { logoImg } from './apps-list.ts';
import { formatTime } from './format-time.ts';

/** One app: its settings, its live secrets by their last four characters, and actions. */
export function appDetailPage(ctx: ConsoleContext, app: AppWithSecrets, saved = false) {
  const now = Date.now();
  const isPublic = app.clientType === 'public';
  const { t } = ctx.ui;
  const type =
    app.type === 'internal'
      ? t.t('app.type.internal')
      : t.t(app.grantDelivery === 'company_grant' ? 'app.type.partner_grant' : 'app.type.partner_code');
  const tokens =
    app.tokenFormat === 'opaque'
      ? t.t('app.tokens_opaque', { count: app.tokenTtl })
      : t.t('app.tokens_jwt', { count: app.tokenTtl, alg: app.signingAlg });
  return consoleLayout({
    ctx,
    section: 'apps',
    title: app.name,
    script: true,
    body: html`<div class="heading"><h1 class="app-cell">${logoImg(app, 48)} ${app.name}</h1>
${ctx.isAdmin ? html`<a class="button secondary" href="${ctx.base}/apps/${app.id}/edit">${t.t('app.edit')}</a>` : ''}</div>
${saved ? html`<p class="notice" role="status">${t.t('app.saved')}</p>` : ''}
<dl class="facts">
<dt>${t.t('app.type')}</dt><dd>${type}</dd>
<dt><label for="client-id">${t.t('app.client_id')}</label></dt><dd><div class="copy-row"><input id="client-id" type="text" readonly value="${app.clientId}" dir="ltr">
<button type="button" class="secondary" data-copy="client-id">${t.t('frame.copy')}</button></div>${copyStatus(ctx.ui)}</dd>
<dt>${t.t('app.client_secret')}</dt><dd>${
      isPublic
        ? t.t('app.no_secret')
        : html`<ul class="plain">${app.secrets.map(
            (s) =>
              html`<li><code class="secret-last4">••••${s.last4}</code> ${t.t('app.secret_created', { time: formatTime(t, s.createdAt) })}${s.expiresAt && s.expiresAt.getTime() > now ? html` · <strong>${t.t('app.secret_stops', { time: formatTime(t, s.expiresAt) })}</strong>` : ''}</li>`,
          )}</ul>`
    }</dd>
<dt>${t.t('app.scopes')}</dt><dd>${app.scopes.map((s) => html`<code class="chip">${s}</code> `)}<p class="hint">${t.t('app.scopes_fixed')}</p></dd>
<dt>${t.t('app.redirect_uris')}</dt><dd>${app.redirectUris.length ? html`<ul class="plain">${app.redirectUris.map((u) => html`<li><code>${u}</code></li>`)}</ul>` : t.t('app.none')}</dd>
<dt>${t.t('app.tokens')}</dt><dd>${tokens}</dd>
${usesBrowser(app) ? html`<dt>${t.t('app.logout')}</dt><dd>${app.postLogoutRedirectUris.length || app.backchannelLogoutUri ? html`${app.postLogoutRedirectUris.length ? html`<p>${t.t('app.logout_returns', { uris: app.postLogoutRedirectUris.join(', ') })}</p>` : ''}${app.backchannelLogoutUri ? html`<p>${t.t('app.logout_backchannel', { uri: app.backchannelLogoutUri })}</p>` : ''}` : t.t('app.none')}</dd>` : ''}
${usesBrowser(app) ? html`<dt>${t.t('app.consent')}</dt><dd>${t.t(app.autoConsent && app.type === 'internal' ? 'app.consent_auto' : app.skipConsent ? 'app.consent_remembered' : 'app.consent_asked')}${app.grantTypes.includes('implicit') ? ` · ${t.t('app.implicit_allowed')}` : ''}</dd>` : ''}
${exchangeFacts(t, app)}
<dt>${t.t('app.created')}</dt><dd>${formatTime(t, app.createdAt)}</dd>
<dt>${t.t('app.last_used')}</dt><dd>${formatTime(t, app.lastUsedAt)}</dd>
</dl>
${
  ctx.isAdmin
    ? html`<div class="actions left">
${isPublic ? '' : html`<a class="button secondary" href="${ctx.base}/apps/${app.id}/rotate">${t.t('app.rotate')}</a>`}
<a class="button danger" href="${ctx.base}/apps/${app.id}/delete">${t.t('app.delete')}</a>
</div>`
    : html`<p class="notice">${t.t('app.read_only')}</p>`
}`,
  });
}
