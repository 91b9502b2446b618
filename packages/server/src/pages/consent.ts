import type { App } from '../apps/app-service.ts';
import type { Company } from '../companies/company-service.ts';
import type { MessageKey } from '../i18n/catalogs.ts';
import type { Translator } from '../i18n/translator.ts';
import type { PlainScope } from '../oauth/scopes/catalog.ts';
import type { User } from '../users/user-service.ts';
import { html } from './html.ts';
import { hiddenFields, layout, type PageUi } from './layout.ts';

/** The OpenID Connect scopes, described by the catalogs; the SaaS's own scopes by its scope catalog. */
const OIDC_DESCRIPTIONS: Record<string, MessageKey> = {
  openid: 'scope.openid',
  profile: 'scope.profile',
  email: 'scope.email',
};

export function describeScopes(
  scopes: readonly string[],
  catalog: readonly PlainScope[],
  t: Translator,
): PlainScope[] {
  const known = new Map(catalog.map((s) => [s.name, s.description]));
  return scopes.map((name) => {
    const oidc = OIDC_DESCRIPTIONS[name];
    return { name, description: oidc ? t.t(oidc) : (known.get(name) ?? name) };
  });
}

export function consentPage(
  ui: PageUi,
  opts: { csrf: string; flow: string; app: App; company: Company; user: User; scopes: PlainScope[] },
) {
  const { app } = opts;
  const { t } = ui;
  const appName = html`<strong>${app.name}</strong>`;
  return layout({
    ui,
    title: t.t('consent.title', { app: app.name }),
    body: html`${app.logoUrl ? html`<img class="logo" src="${app.logoUrl}" alt="${t.t('consent.app_logo_alt', { app: app.name })}" width="64" height="64">` : ''}
<h1>${t.html('consent.heading', { app: appName, company: opts.company.name })}</h1>
<p class="lead">${t.t('consent.lead', { email: opts.user.email, app: app.name })}</p>
<ul class="scopes" aria-label="${t.t('consent.scope_count', { count: opts.scopes.length })}">
${opts.scopes.map((s) => html`<li><span class="scope-desc">${s.description}</span> <code>${s.name}</code></li>`)}
</ul>
<p class="hint">${t.t('consent.revocable', { company: opts.company.name })}</p>
<form method="post" action="/authorize/consent" class="actions">
${hiddenFields({ csrf_token: opts.csrf, flow: opts.flow })}
<button type="submit" name="decision" value="deny" class="secondary">${t.t('consent.deny')}</button>
<button type="submit" name="decision" value="grant" class="primary">${t.t('consent.grant')}</button>
</form>`,
  });
}
