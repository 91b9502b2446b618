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
