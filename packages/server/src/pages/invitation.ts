import type { Company } from '../companies/company-service.ts';
import type { User } from '../users/user-service.ts';
import { html } from './html.ts';
import { hiddenFields, layout } from './layout.ts';

/** The invitation's page: the invitee sets the password of the account made for them. */
export function invitationPage(opts: {
  csrf: string;
  action: string;
  user: User;
  company: Company;
  error?: string;
}) {
  return layout({
    title: `Join ${opts.company.name}`,
    body: html`<h1>Join ${opts.company.name}</h1>
<p class="lead">You were invited to ${opts.company.name}'s Integration Center. Choose a password for ${opts.user.email} to finish.</p>
${opts.error ? html`<p class="alert" role="alert">${opts.error}</p>` : ''}
<form method="post" action="${opts.action}">
${hiddenFields({ csrf_token: opts.csrf })}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" readonly value="${opts.user.email}">
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="12" maxlength="1024" aria-describedby="password-hint">
<p class="hint" id="password-hint">At least 12 characters.</p>
<label for="password-confirm">Repeat the password</label>
<input id="password-confirm" name="password_confirm" type="password" autocomplete="new-password" required minlength="12" maxlength="1024">
<button type="submit" class="primary">Set password and sign in</button>
</form>`,
  });
}

const CLOSED = {
  used: {
    title: 'This invitation has been used',
    message: 'The link worked once and cannot be used again. Sign in with the password you chose.',
  },
  expired: {
    title: 'This invitation has expired',
    message: 'Invitation links work for 72 hours. Ask an administrator of the company to invite you again.',
  },
  throttled: {
    title: 'Too many attempts',
    message: 'This link was tried too often. Wait a minute, then open it again.',
  },
  unknown: {
    title: 'This invitation is not valid',
    message:
      'The link is incomplete, or the invitation was withdrawn. Check that you copied the whole link, or ask an administrator of the company for a new one.',
  },
} as const;

/** Why a link cannot be used, and what to do instead. */
export function invitationClosedPage(kind: keyof typeof CLOSED) {
  const { title, message } = CLOSED[kind];
  return layout({
    title,
    body: html`<h1>${title}</h1>
<p class="alert" role="alert">${message}</p>
<p><a href="/login?return_to=%2Fconsole">Sign in to the Integration Center</a></p>`,
  });
}
