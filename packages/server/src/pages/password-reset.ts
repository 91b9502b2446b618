import type { MessageKey } from '../i18n/catalogs.ts';
import type { Text } from '../i18n/translator.ts';
import type { User } from '../users/user-service.ts';
import { html } from './html.ts';
import { hiddenFields, layout, messagePage, type PageUi } from './layout.ts';

/** The shortest password the form asks for (the service checks it too). */
const MIN_PASSWORD = 12;

const flowQuery = (flow?: string) => (flow ? `?flow=${encodeURIComponent(flow)}` : '');

/** GET /password-reset: the address to send a link to. */
export function forgotPasswordPage(ui: PageUi, opts: { csrf: string; flow?: string }) {
  const { t } = ui;
  return layout({
    ui,
    title: t.t('password_reset.title'),
    body: html`<h1>${t.t('password_reset.title')}</h1>
<p class="lead">${t.t('password_reset.lead')}</p>
<form method="post" action="/password-reset">
${hiddenFields({ csrf_token: opts.csrf, ...(opts.flow ? { flow: opts.flow } : {}) })}
<label for="email">${t.t('password_reset.email')}</label>
<input id="email" name="email" type="email" autocomplete="username" required maxlength="254" dir="ltr">
<button type="submit" class="primary">${t.t('password_reset.send')}</button>
</form>
<p><a href="/login${flowQuery(opts.flow)}">${t.t('password_reset.back')}</a></p>`,
  });
}

/** The one answer to a reset request, whether or not the address has an account. */
export function resetLinkSentPage(ui: PageUi) {
  const { t } = ui;
  return layout({
    ui,
    title: t.t('password_reset.sent_title'),
    body: html`<h1>${t.t('password_reset.sent_title')}</h1>
<p class="lead">${t.t('password_reset.sent')}</p>
<p class="hint">${t.t('password_reset.sent_hint')}</p>`,
  });
}

/** GET /password-reset/{token}: the new password. */
export function resetPasswordPage(
  ui: PageUi,
  opts: { csrf: string; action: string; user: User; flow?: string; error?: Text },
) {
  const { t } = ui;
  return layout({
    ui,
    title: t.t('password_reset.form_title'),
    body: html`<h1>${t.t('password_reset.form_title')}</h1>
<p class="lead">${t.t('password_reset.form_lead', { email: opts.user.email })}</p>
${opts.error ? html`<p class="alert" role="alert">${t.text(opts.error)}</p>` : ''}
<form method="post" action="${opts.action}">
${hiddenFields({ csrf_token: opts.csrf, ...(opts.flow ? { flow: opts.flow } : {}) })}
<input type="hidden" name="email" autocomplete="username" value="${opts.user.email}">
<label for="password">${t.t('password_reset.password')}</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD}" maxlength="1024" aria-describedby="password-hint">
<p class="hint" id="password-hint">${t.t('password_reset.password_hint', { count: MIN_PASSWORD })}</p>
<label for="password-confirm">${t.t('password_reset.password_confirm')}</label>
<input id="password-confirm" name="password_confirm" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD}" maxlength="1024">
<button type="submit" class="primary">${t.t('password_reset.submit')}</button>
</form>`,
  });
}

/** After a reset with no authorization request to go on with. */
export function passwordChangedPage(ui: PageUi) {
  const { t } = ui;
  return layout({
    ui,
    title: t.t('password_reset.done_title'),
    body: html`<h1>${t.t('password_reset.done_title')}</h1>
<p class="lead">${t.t('password_reset.done')}</p>
<p><a href="/console">${t.t('password_reset.to_console')}</a></p>`,
  });
}

const CLOSED = {
  used: ['password_reset.used_title', 'password_reset.used'],
  expired: ['password_reset.expired_title', 'password_reset.expired'],
  throttled: ['password_reset.throttled_title', 'password_reset.throttled'],
  unknown: ['password_reset.unknown_title', 'password_reset.unknown'],
} as const satisfies Record<string, readonly [MessageKey, MessageKey]>;

/** Why a reset link, or a request, cannot go on, and what to do instead. */
export function resetClosedPage(ui: PageUi, kind: keyof typeof CLOSED) {
  const { t } = ui;
  const [title, message] = CLOSED[kind];
  return messagePage(ui, {
    title: t.t(title),
    message: t.t(message),
    after: html`<p><a href="/password-reset">${t.t('password_reset.ask_again')}</a> · <a href="/login">${t.t('password_reset.sign_in')}</a></p>`,
  });
}
