import type { SignInOutcome } from '../authorization/password-sign-in.ts';
import { html } from './html.ts';
import { hiddenFields, layout } from './layout.ts';

export function loginPage(opts: {
  csrf: string;
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
<form method="post" action="/login">
${hiddenFields({ csrf_token: opts.csrf, ...(opts.flow ? { flow: opts.flow } : {}), ...(opts.returnTo ? { return_to: opts.returnTo } : {}) })}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${opts.email ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" class="primary">Sign in</button>
</form>`,
  });
}

export function signedOutPage() {
  return layout({
    title: 'Signed out',
    body: html`<h1>You are signed out</h1><p class="lead">You can close this window.</p>`,
  });
}

/** GET /login when someone is already signed in and there is nowhere to go on to. */
export function signedInPage(opts: { csrf: string; email: string }) {
  return layout({
    title: 'Signed in',
    body: html`<h1>Signed in</h1><p class="lead">You are signed in as ${opts.email}.</p>
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
