import type { SignInOutcome } from '../authorization/password-sign-in.ts';
import type { Text } from '../i18n/translator.ts';
import { html } from './html.ts';
import { hiddenFields, layout, type PageUi } from './layout.ts';

/** An upstream OpenID Connect provider offered on the login page. */
export interface UpstreamChoice {
  id: string;
  name: string;
}

/**
 * "Sign in with NAME" for login delegation (first) and each upstream: links, so no
 * form-action has to allow the login application or the upstream.
 */
function signInChoices(
  ui: PageUi,
  upstreams: readonly UpstreamChoice[],
  delegation: string | undefined,
  flow?: string,
  returnTo?: string,
) {
  if (upstreams.length === 0 && delegation === undefined) return '';
  const query = flow
    ? `?flow=${encodeURIComponent(flow)}`
    : returnTo
      ? `?return_to=${encodeURIComponent(returnTo)}`
      : '';
  const choice = (u: UpstreamChoice) =>
    html`<a class="button secondary" href="/login/upstream/${encodeURIComponent(u.id)}${query}">${ui.t.t('sign_in.with_upstream', { name: u.name })}</a>`;
  const delegated =
    delegation === undefined
      ? ''
      : html`<a class="button secondary" href="/login/delegate${query}">${ui.t.t('sign_in.with_upstream', { name: delegation })}</a>`;
  return html`<div class="sign-in-options">${delegated}${upstreams.map(choice)}</div>`;
}

export function loginPage(
  ui: PageUi,
  opts: {
    csrf: string;
    /** The upstream providers to offer (none by default). */
    upstreams?: readonly UpstreamChoice[];
    /** Whether the e-mail and password form is shown (GATEHOUSE_LOCAL_PASSWORDS). Default true. */
    localPasswords?: boolean;
    /** Login delegation's label (GATEHOUSE_LOGIN_NAME); absent when delegation is off. */
    delegation?: string;
    flow?: string;
    error?: Text;
    email?: string;
    appName?: string;
    /** A safe /console path to continue to after sign-in. */
    returnTo?: string;
  },
) {
  const { t } = ui;
  return layout({
    ui,
    title: t.t('sign_in.title'),
    body: html`<h1>${t.t('sign_in.title')}</h1>
${opts.appName ? html`<p class="lead">${t.html('sign_in.continue_to', { app: html`<strong>${opts.appName}</strong>` })}</p>` : ''}
${!opts.appName && opts.returnTo ? html`<p class="lead">${t.t('sign_in.to_console')}</p>` : ''}
${opts.error ? html`<p class="alert" role="alert">${t.text(opts.error)}</p>` : ''}
${signInChoices(ui, opts.upstreams ?? [], opts.delegation, opts.flow, opts.returnTo)}
${opts.localPasswords === false ? '' : passwordForm(ui, opts)}`,
  });
}

function passwordForm(
  { t }: PageUi,
  opts: {
    csrf: string;
    flow?: string;
    email?: string;
    returnTo?: string;
    upstreams?: readonly UpstreamChoice[];
    delegation?: string;
  },
) {
  return html`${(opts.upstreams ?? []).length > 0 || opts.delegation !== undefined ? html`<p class="hint or">${t.t('sign_in.or_password')}</p>` : ''}
<form method="post" action="/login">
${hiddenFields({ csrf_token: opts.csrf, ...(opts.flow ? { flow: opts.flow } : {}), ...(opts.returnTo ? { return_to: opts.returnTo } : {}) })}
<label for="email">${t.t('sign_in.email')}</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${opts.email ?? ''}" dir="ltr">
<label for="password">${t.t('sign_in.password')}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" class="primary">${t.t('sign_in.submit')}</button>
</form>
<p><a href="/password-reset${opts.flow ? `?flow=${encodeURIComponent(opts.flow)}` : ''}">${t.t('password_reset.forgot')}</a></p>`;
}

export function signedOutPage(ui: PageUi) {
  const { t } = ui;
  return layout({
    ui,
    title: t.t('signed_out.title'),
    body: html`<h1>${t.t('signed_out.heading')}</h1><p class="lead">${t.t('signed_out.lead')}</p>`,
  });
}

const VERIFICATION_NOTICES = {
  sent: 'verify_email.notice_sent',
  throttled: 'verify_email.notice_throttled',
} as const;

/**
 * GET /login when someone is already signed in and there is nowhere to go on to; an
 * unconfirmed address can have its confirmation link sent again from here.
 */
export function signedInPage(
  ui: PageUi,
  opts: {
    csrf: string;
    email: string;
    /** False: the address is not confirmed, offer to send the link. */
    emailVerified?: boolean;
    notice?: keyof typeof VERIFICATION_NOTICES;
  },
) {
  const { t } = ui;
  const unverified =
    opts.emailVerified === false
      ? html`<p>${t.t('verify_email.unverified')}</p>
<form method="post" action="/verify-email"><input type="hidden" name="csrf_token" value="${opts.csrf}">
<button type="submit" class="secondary">${t.t('verify_email.send')}</button></form>`
      : '';
  return layout({
    ui,
    title: t.t('signed_in.title'),
    body: html`<h1>${t.t('signed_in.title')}</h1><p class="lead">${t.t('signed_in.lead', { email: opts.email })}</p>
${opts.notice ? html`<p class="notice" role="status">${t.t(VERIFICATION_NOTICES[opts.notice])}</p>` : ''}
${unverified}
<form method="post" action="/logout"><input type="hidden" name="csrf_token" value="${opts.csrf}">
<button type="submit" class="secondary">${t.t('signed_in.sign_out')}</button></form>`,
  });
}

/** What the sign-in page says when an attempt was refused before its password was checked. */
export function signInRefusal(outcome: Extract<SignInOutcome, { retryAfter: number }>, ui: PageUi): Text {
  const wait = outcome.retryAfter;
  const after =
    wait < 60
      ? ui.t.t('sign_in.seconds', { count: wait })
      : ui.t.t('sign_in.minutes', { count: Math.ceil(wait / 60) });
  if (outcome.kind === 'busy') return { key: 'sign_in.busy', vars: { after } };
  if (outcome.reason === 'in-flight') return { key: 'sign_in.in_flight', vars: { after } };
  return { key: 'sign_in.throttled', vars: { after } };
}
