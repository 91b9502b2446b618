import type { MessageKey } from '../../i18n/catalogs.ts';
import { html } from '../../pages/html.ts';
import { copyStatus } from '../../pages/layout.ts';
import {
  type InitialAccessToken,
  initialAccessTokenStatus,
} from '../../registration/initial-access-token-service.ts';
import type { ConsoleContext } from '../context.ts';
import { consoleLayout } from '../layout.ts';
import { formatTime } from './format-time.ts';

const STATUS: Record<ReturnType<typeof initialAccessTokenStatus>, MessageKey> = {
  active: 'iat.status.active',
  expired: 'iat.status.expired',
  used_up: 'iat.status.used_up',
  revoked: 'iat.status.revoked',
};

/** What the create form holds, as typed. */
export interface IatDraft {
  name: string;
  scopes: string;
  grantTypes: string[];
  redirects: string;
  maxApps: string;
  expiresDays: string;
}

/** The company's initial access tokens (dynamic client registration). */
export function initialAccessTokensPage(ctx: ConsoleContext, tokens: InitialAccessToken[]) {
  const { t } = ctx.ui;
  const any = t.t('iat.any');
  return consoleLayout({
    ctx,
    section: 'apps',
    title: t.t('iat.title'),
    body: html`<div class="heading"><h1>${t.t('iat.title')}</h1>
${ctx.isAdmin ? html`<a class="button primary" href="${ctx.base}/initial-access-tokens/new">${t.t('iat.add')}</a>` : ''}</div>
<p class="lead">${t.t('iat.lead')}</p>
${
  tokens.length === 0
    ? html`<p>${t.t('iat.empty')}</p>`
    : html`<table class="data"><caption class="sr-only">${t.t('iat.caption')}</caption>
<thead><tr><th scope="col">${t.t('iat.col.name')}</th><th scope="col">${t.t('iat.col.token')}</th><th scope="col">${t.t('iat.col.limits')}</th><th scope="col">${t.t('iat.col.apps')}</th><th scope="col">${t.t('iat.col.status')}</th><th scope="col">${t.t('iat.col.expires')}</th>${ctx.isAdmin ? html`<th scope="col"><span class="sr-only">${t.t('iat.revoke')}</span></th>` : ''}</tr></thead>
<tbody>${tokens.map((k) => {
        const status = initialAccessTokenStatus(k);
        return html`<tr><td>${k.name}</td><td><code dir="ltr">••••${k.last4}</code></td>
<td><ul class="plain">
<li>${t.t('iat.limit.scopes', { value: k.allowedScopes?.join(' ') ?? any })}</li>
<li>${t.t('iat.limit.grants', { value: k.allowedGrantTypes?.join(', ') ?? any })}</li>
<li>${t.t('iat.limit.redirects', { value: k.redirectUriPatterns?.join(' ') ?? any })}</li>
</ul></td>
<td>${k.maxApps === null ? String(k.uses) : `${k.uses} / ${k.maxApps}`}</td>
<td>${t.t(STATUS[status])}</td><td>${formatTime(t, k.expiresAt)}</td>
${ctx.isAdmin ? html`<td>${status === 'revoked' ? '' : html`<a href="${ctx.base}/initial-access-tokens/${k.id}/revoke">${t.t('iat.revoke')}</a>`}</td>` : ''}</tr>`;
      })}</tbody></table>`
}`,
  });
}

/** The form to create a token; `invalid` names the settings the service refused. */
export function initialAccessTokenNewPage(
  ctx: ConsoleContext,
  draft: IatDraft,
  grantTypes: readonly string[],
  invalid: readonly string[],
) {
  const { t } = ctx.ui;
  const problem = (field: string) =>
    invalid.includes(field) ? html`<li>${t.t(`iat.invalid.${field}` as MessageKey)}</li>` : '';
  return consoleLayout({
    ctx,
    section: 'apps',
    title: t.t('iat.new.title'),
    body: html`<h1>${t.t('iat.new.title')}</h1>
${
  invalid.length
    ? html`<div class="alert" role="alert"><p>${t.t('iat.invalid')}</p><ul>${[
        'name',
        'allowedScopes',
        'allowedGrantTypes',
        'redirectUriPatterns',
        'maxApps',
        'expiresIn',
      ].map(problem)}</ul></div>`
    : ''
}
<form method="post" action="${ctx.base}/initial-access-tokens" class="wide-form">
<input type="hidden" name="csrf_token" value="${ctx.csrf}">
<label for="name">${t.t('iat.new.name')}</label>
<input id="name" name="name" type="text" maxlength="100" value="${draft.name}">
<label for="scopes">${t.t('iat.new.scopes')} <span class="hint">${t.t('iat.new.scopes_hint')}</span></label>
<input id="scopes" name="scopes" type="text" value="${draft.scopes}" dir="ltr">
<fieldset><legend>${t.t('iat.new.grants')} <span class="hint">${t.t('iat.new.grants_hint')}</span></legend>
${grantTypes.map(
  (
    g,
    i,
  ) => html`<div class="choice"><input type="checkbox" id="grant-${i}" name="grant_type" value="${g}" ${draft.grantTypes.includes(g) ? html`checked` : ''}>
<label for="grant-${i}"><code>${g}</code></label></div>`,
)}
</fieldset>
<label for="redirects">${t.t('iat.new.redirects')} <span class="hint">${t.t('iat.new.redirects_hint')}</span></label>
<textarea id="redirects" name="redirect_uri_patterns" rows="3" dir="ltr">${draft.redirects}</textarea>
<label for="max_apps">${t.t('iat.new.max_apps')} <span class="hint">${t.t('iat.new.max_apps_hint')}</span></label>
<input id="max_apps" name="max_apps" type="number" min="1" max="10000" value="${draft.maxApps}">
<label for="expires_days">${t.t('iat.new.expires_days')}</label>
<input id="expires_days" name="expires_days" type="number" min="1" max="365" required value="${draft.expiresDays}">
<div class="actions"><a class="button secondary" href="${ctx.base}/initial-access-tokens">${t.t('confirm.cancel')}</a>
<button type="submit" class="primary">${t.t('iat.add')}</button></div>
</form>`,
  });
}

/** The new token, shown once. */
export function initialAccessTokenSecretPage(
  ctx: ConsoleContext,
  token: InitialAccessToken,
  secret: string,
  registrationEndpoint: string,
) {
  const { t } = ctx.ui;
  return consoleLayout({
    ctx,
    section: 'apps',
    title: t.t('iat.secret.title'),
    script: true,
    body: html`<h1>${t.t('iat.secret.heading', { name: token.name })}</h1>
<p class="warning" role="note"><strong>${t.t('secret.warning')}</strong> ${t.t('iat.secret.once')}</p>
<label for="iat-secret">${t.t('iat.secret.title')}</label>
<div class="copy-row"><input id="iat-secret" type="text" readonly value="${secret}" dir="ltr">
<button type="button" class="secondary" data-copy="iat-secret">${t.t('frame.copy')}</button></div>
${copyStatus(ctx.ui)}
<p>${t.t('iat.secret.endpoint')}: <code dir="ltr">${registrationEndpoint}</code></p>
<p><a class="button primary" href="${ctx.base}/initial-access-tokens">${t.t('secret.saved')}</a></p>`,
  });
}
