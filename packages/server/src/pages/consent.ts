import type { App } from '../apps/app-service.ts';
import type { Company } from '../companies/company-service.ts';
import type { PlainScope } from '../oauth/scopes/catalog.ts';
import type { User } from '../users/user-service.ts';
import { html } from './html.ts';
import { hiddenFields, layout } from './layout.ts';

const OIDC_DESCRIPTIONS: Record<string, string> = {
  openid: 'Confirm who you are (your user id)',
  profile: 'See your name',
  email: 'See your email address',
};

export function describeScopes(scopes: readonly string[], catalog: readonly PlainScope[]): PlainScope[] {
  const known = new Map(catalog.map((s) => [s.name, s.description]));
  return scopes.map((name) => ({ name, description: OIDC_DESCRIPTIONS[name] ?? known.get(name) ?? name }));
}

export function consentPage(opts: {
  csrf: string;
  flow: string;
  app: App;
  company: Company;
  user: User;
  scopes: PlainScope[];
}) {
  const { app } = opts;
  return layout({
    title: `Connect ${app.name}`,
    body: html`${app.logoUrl ? html`<img class="logo" src="${app.logoUrl}" alt="${app.name} logo" width="64" height="64">` : ''}
<h1><strong>${app.name}</strong> wants access to ${opts.company.name}</h1>
<p class="lead">Signed in as ${opts.user.email}. If you grant access, ${app.name} will be able to:</p>
<ul class="scopes">
${opts.scopes.map((s) => html`<li><span class="scope-desc">${s.description}</span> <code>${s.name}</code></li>`)}
</ul>
<p class="hint">Administrators of ${opts.company.name} can revoke this access at any time.</p>
<form method="post" action="/authorize/consent" class="actions">
${hiddenFields({ csrf_token: opts.csrf, flow: opts.flow })}
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
<button type="submit" name="decision" value="grant" class="primary">Grant access</button>
</form>`,
  });
}
