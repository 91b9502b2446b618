import type { MessageKey } from '../i18n/catalogs.ts';
import { html } from './html.ts';
import { layout, messagePage, type PageUi } from './layout.ts';

/** GET /verify-email/{token} when it worked. */
export function emailVerifiedPage(ui: PageUi, email: string) {
  const { t } = ui;
  return layout({
    ui,
    title: t.t('verify_email.done_title'),
    body: html`<h1>${t.t('verify_email.done_title')}</h1>
<p class="lead">${t.t('verify_email.done', { email })}</p>
<p><a href="/login">${t.t('verify_email.continue')}</a></p>`,
  });
}

const CLOSED = {
  used: ['verify_email.used_title', 'verify_email.used'],
  expired: ['verify_email.expired_title', 'verify_email.expired'],
  unknown: ['verify_email.unknown_title', 'verify_email.unknown'],
} as const satisfies Record<string, readonly [MessageKey, MessageKey]>;

/** Why a confirmation link cannot be used, and what to do instead. */
export function verificationClosedPage(ui: PageUi, kind: keyof typeof CLOSED) {
  const { t } = ui;
  const [title, message] = CLOSED[kind];
  return messagePage(ui, {
    title: t.t(title),
    message: t.t(message),
    after: html`<p><a href="/login">${t.t('verify_email.sign_in')}</a></p>`,
  });
}
