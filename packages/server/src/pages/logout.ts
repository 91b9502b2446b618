import type { ConfirmCarry } from '../authorization/logout.ts';
import { html } from './html.ts';
import { hiddenFields, layout, type PageUi } from './layout.ts';

/**
 * The end-session confirm page (OIDC RP-Initiated Logout 1.0 section 2): shown when the
 * request came without a valid `id_token_hint`, or with one for another user. Its form carries
 * the session's CSRF token, so a third-party page cannot sign anyone out.
 */
export function logoutConfirmPage(
  ui: PageUi,
  opts: { csrf: string; appName: string | null; email: string | null; carry: ConfirmCarry },
) {
  const { t } = ui;
  const carried: Record<string, string> = { csrf_token: opts.csrf };
  if (opts.carry.clientId !== null) carried.client_id = opts.carry.clientId;
  if (opts.carry.postLogoutRedirectUri !== null)
    carried.post_logout_redirect_uri = opts.carry.postLogoutRedirectUri;
  if (opts.carry.state !== null) carried.state = opts.carry.state;
  return layout({
    ui,
    title: t.t('logout.title'),
    body: html`<h1>${t.t('logout.title')}</h1>
<p class="lead">${opts.appName !== null ? t.html('logout.lead_app', { app: html`<strong>${opts.appName}</strong>` }) : t.t('logout.lead')}</p>
${opts.email !== null ? html`<p>${t.t('logout.signed_in_as', { email: opts.email })}</p>` : ''}
<form method="post" action="/oauth2/logout/confirm">${hiddenFields(carried)}
<button type="submit" class="primary">${t.t('logout.confirm')}</button></form>`,
  });
}
