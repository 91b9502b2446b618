import { CompiledCatalog, describe, type FeatureFamily, inLocale } from '@gatehouse/scopes';
import type { App } from '../apps/app-service.ts';
import type { Company } from '../companies/company-service.ts';
import type { MessageKey } from '../i18n/catalogs.ts';
import type { Translator } from '../i18n/translator.ts';
import type { PlainScope, ScopeCatalog } from '../oauth/scopes/catalog.ts';
import type { User } from '../users/user-service.ts';
import { html } from './html.ts';
import { hiddenFields, layout, type PageUi } from './layout.ts';

/** The OpenID Connect scopes, described by the catalogs; the SaaS's own scopes by its scope catalog. */
const OIDC_DESCRIPTIONS: Record<string, MessageKey> = {
  openid: 'scope.openid',
  profile: 'scope.profile',
  email: 'scope.email',
};

const FEATURE_VERBS = {
  read: 'scope.feature.read',
  write: 'scope.feature.write',
  delete: 'scope.feature.delete',
} as const satisfies Record<string, MessageKey>;

/** A feature family's label in the page's locale (the catalog may give it in several). */
export function featureLabel(f: FeatureFamily, t: Translator): string {
  return inLocale(f.label, f.labels, t.tag);
}

const compiled = new WeakMap<
  ScopeCatalog,
  { catalog: CompiledCatalog; features: Map<string, FeatureFamily> }
>();
function compile(catalog: ScopeCatalog) {
  let c = compiled.get(catalog);
  if (!c) {
    c = {
      catalog: new CompiledCatalog(catalog),
      features: new Map(catalog.features.flatMap((f) => f.permissions.map((p) => [`${f.name}.${p}`, f]))),
    };
    compiled.set(catalog, c);
  }
  return c;
}

/**
 * What each scope grants, in the page's locale: the OpenID Connect scopes from the message
 * catalogs; the SaaS's scopes from its scope catalog, in the locale when the catalog gives
 * their descriptions in it (else English, or the first language given); a feature scope as
 * the catalogs' verb with the feature's label (English writes the label in lower case inside
 * the sentence, as before). A scope nobody describes is shown as itself.
 */
export function describeScopes(
  scopes: readonly string[],
  catalog: ScopeCatalog,
  t: Translator,
): PlainScope[] {
  const c = compile(catalog);
  const english = t.tag === 'en' || t.tag.startsWith('en-');
  return scopes.map((name) => {
    const oidc = OIDC_DESCRIPTIONS[name];
    if (oidc) return { name, description: t.t(oidc) };
    const feature = c.features.get(name);
    if (feature) {
      const verb = FEATURE_VERBS[name.slice(feature.name.length + 1) as keyof typeof FEATURE_VERBS];
      const label = featureLabel(feature, t);
      return { name, description: t.t(verb, { feature: english ? label.toLowerCase() : label }) };
    }
    const [described] = describe([name], c.catalog, t.tag);
    return { name, description: described?.description ?? name };
  });
}

export function consentPage(
  ui: PageUi,
  opts: {
    csrf: string;
    flow: string;
    app: App;
    company: Company;
    user: User;
    scopes: PlainScope[];
    /** Where the form posts, and the name of the field that carries `flow` (the device page's differ). */
    action?: { path: string; field: string };
  },
) {
  const action = opts.action ?? { path: '/authorize/consent', field: 'flow' };
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
<form method="post" action="${action.path}" class="actions">
${hiddenFields({ csrf_token: opts.csrf, [action.field]: opts.flow })}
<button type="submit" name="decision" value="deny" class="secondary">${t.t('consent.deny')}</button>
<button type="submit" name="decision" value="grant" class="primary">${t.t('consent.grant')}</button>
</form>`,
  });
}
