import type { User } from '../users/user-service.ts';
import { html } from './html.ts';
import { hiddenFields, layout } from './layout.ts';

/** GET /password-reset: the address to send a link to. */
export function forgotPasswordPage(opts: { csrf: string; flow?: string; error?: string }) {
  return layout({
    title: 'Reset your password',
    body: html`<h1>Reset your password</h1>
<p class="lead">Enter the e-mail address of your account. If it has one here, we send it a link to choose a new password.</p>
${opts.error ? html`<p class="alert" role="alert">${opts.error}</p>` : ''}
<form method="post" action="/password-reset">
${hiddenFields({ csrf_token: opts.csrf, ...(opts.flow ? { flow: opts.flow } : {}) })}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required maxlength="254">
<button type="submit" class="primary">Send the link</button>
</form>
<p><a href="/login${opts.flow ? `?flow=${encodeURIComponent(opts.flow)}` : ''}">Back to sign-in</a></p>`,
  });
}

/** The one answer to a reset request, whether or not the address has an account. */
export function resetLinkSentPage() {
  return layout({
    title: 'Check your mail',
    body: html`<h1>Check your mail</h1>
<p class="lead">If an account exists for that address, we sent it a link to choose a new password. The link works once, for one hour.</p>
<p class="hint">No mail after a few minutes? Check the spam folder, or ask again.</p>`,
  });
}

/** GET /password-reset/{token}: the new password. */
export function resetPasswordPage(opts: {
  csrf: string;
  action: string;
  user: User;
  flow?: string;
  error?: string;
}) {
  return layout({
    title: 'Choose a new password',
    body: html`<h1>Choose a new password</h1>
<p class="lead">For ${opts.user.email}. Choosing it signs you out everywhere else.</p>
${opts.error ? html`<p class="alert" role="alert">${opts.error}</p>` : ''}
<form method="post" action="${opts.action}">
${hiddenFields({ csrf_token: opts.csrf, ...(opts.flow ? { flow: opts.flow } : {}) })}
<input type="hidden" name="email" autocomplete="username" value="${opts.user.email}">
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="12" maxlength="1024" aria-describedby="password-hint">
<p class="hint" id="password-hint">At least 12 characters.</p>
<label for="password-confirm">Repeat the password</label>
<input id="password-confirm" name="password_confirm" type="password" autocomplete="new-password" required minlength="12" maxlength="1024">
<button type="submit" class="primary">Set password and sign in</button>
</form>`,
  });
}

/** After a reset with no authorization request to go on with. */
export function passwordChangedPage() {
  return layout({
    title: 'Password changed',
    body: html`<h1>Password changed</h1>
<p class="lead">Your new password is set and you are signed in. Every other session of your account was ended.</p>
<p><a href="/console">Go to the Integration Center</a></p>`,
  });
}

const CLOSED = {
  used: {
    title: 'This link has been used',
    message: 'A reset link works once. If you still need a new password, ask for another link.',
  },
  expired: {
    title: 'This link has expired',
    message: 'A reset link works for one hour. Ask for another link.',
  },
  throttled: {
    title: 'Too many attempts',
    message: 'This was tried too often. Wait a minute, then try again.',
  },
  unknown: {
    title: 'This link is not valid',
    message:
      'The link is incomplete, or it no longer works for this account. Check that you copied the whole link, or ask for another one.',
  },
} as const;

/** Why a reset link, or a request, cannot go on, and what to do instead. */
export function resetClosedPage(kind: keyof typeof CLOSED) {
  const { title, message } = CLOSED[kind];
  return layout({
    title,
    body: html`<h1>${title}</h1>
<p class="alert" role="alert">${message}</p>
<p><a href="/password-reset">Ask for a new link</a> · <a href="/login">Sign in</a></p>`,
  });
}
