import type { SignInOutcome } from '../authorization/password-sign-in.ts';
import { html } from './html.ts';
import { hiddenFields, layout } from './layout.ts';

/** An upstream OpenID Connect provider offered on the login page. */
export interface UpstreamChoice {
  id: string;
  name: string;
}

/** "Sign in with NAME" for each upstream: links, so no form-action has to allow the upstream. */
function upstreamChoices(upstreams: readonly UpstreamChoice[], flow?: string, returnTo?: string) {
  if (upstreams.length === 0) return '';
  const query = flow
    ? `?flow=${encodeURIComponent(flow)}`
    : returnTo
      ? `?return_to=${encodeURIComponent(returnTo)}`
      : '';
  const choice = (u: UpstreamChoice) =>
    html`<a class="button secondary" href="/login/upstream/${encodeURIComponent(u.id)}${query}">Sign in with ${u.name}</a>`;
  return html`<div class="sign-in-options">${upstreams.map(choice)}</div>`;
}

export function loginPage(opts: {
  csrf: string;
  /** The upstream providers to offer (none by default). */
  upstreams?: readonly UpstreamChoice[];
  /** Whether the e-mail and password form is shown (GATEHOUSE_LOCAL_PASSWORDS). Default true. */
  localPasswords?: boolean;
  flow?: string;
  error?: string;
  email?: string;
  appName?: string;
  /** A safe /console path to continue to after sign-in. */
  returnTo?: string;
}) {
  return layout({
    title: 'Sign in',
    body: html`<h1>Sign in</h1>
${opts.appName ? html`<p class="lead">to continue to <strong>${opts.appName}</strong></p>` : ''}
${!opts.appName && opts.returnTo ? html`<p class="lead">to the Integration Center</p>` : ''}
${opts.error ? html`<p class="alert" role="alert">${opts.error}</p>` : ''}
${upstreamChoices(opts.upstreams ?? [], opts.flow, opts.returnTo)}
${opts.localPasswords === false ? '' : passwordForm(opts)}`,
  });
}

function passwordForm(opts: {
  csrf: string;
  flow?: string;
  email?: string;
  returnTo?: string;
  upstreams?: readonly UpstreamChoice[];
}) {
  return html`${(opts.upstreams ?? []).length > 0 ? html`<p class="hint or">or with your email and password</p>` : ''}
<form method="post" action="/login">
${hiddenFields({ csrf_token: opts.csrf, ...(opts.flow ? { flow: opts.flow } : {}), ...(opts.returnTo ? { return_to: opts.returnTo } : {}) })}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${opts.email ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" class="primary">Sign in</button>
</form>
<p><a href="/password-reset${opts.flow ? `?flow=${encodeURIComponent(opts.flow)}` : ''}">Forgot your password?</a></p>`;
}

export function signedOutPage() {
  return layout({
    title: 'Signed out',
    body: html`<h1>You are signed out</h1><p class="lead">You can close this window.</p>`,
  });
}

const VERIFICATION_NOTICES = {
  sent: 'We sent a confirmation link to your address. It works for 24 hours.',
  throttled: 'A confirmation link was sent a short while ago. Wait a few minutes before asking again.',
} as const;

/**
 * GET /login when someone is already signed in and there is nowhere to go on to; an
 * unconfirmed address can have its confirmation link sent again from here.
 */
export function signedInPage(opts: {
  csrf: string;
  email: string;
  /** False: the address is not confirmed, offer to send the link. */
  emailVerified?: boolean;
  notice?: keyof typeof VERIFICATION_NOTICES;
}) {
  const unverified =
    opts.emailVerified === false
      ? html`<p>Your address is not confirmed yet: apps you connect are told it is unverified.</p>
<form method="post" action="/verify-email"><input type="hidden" name="csrf_token" value="${opts.csrf}">
<button type="submit" class="secondary">Send the confirmation link</button></form>`
      : '';
  return layout({
    title: 'Signed in',
    body: html`<h1>Signed in</h1><p class="lead">You are signed in as ${opts.email}.</p>
${opts.notice ? html`<p class="notice" role="status">${VERIFICATION_NOTICES[opts.notice]}</p>` : ''}
${unverified}
<form method="post" action="/logout"><input type="hidden" name="csrf_token" value="${opts.csrf}">
<button type="submit" class="secondary">Sign out</button></form>`,
  });
}

/** What the sign-in page says when an attempt was refused before its password was checked. */
export function signInRefusal(outcome: Extract<SignInOutcome, { retryAfter: number }>): string {
  const wait = outcome.retryAfter;
  const after = wait < 60 ? `${wait} second${wait === 1 ? '' : 's'}` : `${Math.ceil(wait / 60)} minutes`;
  if (outcome.kind === 'busy') return `Sign-in is busy right now. Try again in ${after}.`;
  if (outcome.reason === 'in-flight') return `Too many sign-in attempts at once. Try again in ${after}.`;
  return `Too many failed sign-in attempts. Try again in ${after}.`;
}
