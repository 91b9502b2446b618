import { html } from './html.ts';
import { layout } from './layout.ts';

/** GET /verify-email/{token} when it worked. */
export function emailVerifiedPage(email: string) {
  return layout({
    title: 'Address confirmed',
    body: html`<h1>Address confirmed</h1>
<p class="lead">${email} is confirmed as your address. Apps you connect are told it is verified.</p>
<p><a href="/login">Continue</a></p>`,
  });
}

const CLOSED = {
  used: { title: 'This link has been used', message: 'The address was confirmed with it already.' },
  expired: {
    title: 'This link has expired',
    message: 'A confirmation link works for 24 hours. Sign in to have another one sent.',
  },
  unknown: {
    title: 'This link is not valid',
    message:
      'The link is incomplete, or the account no longer has the address it was sent to. Sign in to have another one sent.',
  },
} as const;

export function verificationClosedPage(kind: keyof typeof CLOSED) {
  const { title, message } = CLOSED[kind];
  return layout({
    title,
    body: html`<h1>${title}</h1>
<p class="alert" role="alert">${message}</p>
<p><a href="/login">Sign in</a></p>`,
  });
}
