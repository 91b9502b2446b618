import type { Company } from '../companies/company-service.ts';
import type { MessageKey } from '../i18n/catalogs.ts';
import type { Text } from '../i18n/translator.ts';
import type { User } from '../users/user-service.ts';
import { html } from './html.ts';
import { hiddenFields, layout, messagePage, type PageUi } from './layout.ts';

/** The shortest password the invitation form asks for (the service checks it too). */
const MIN_PASSWORD = 12;

/** The invitation's page: the invitee sets the password of the account made for them. */
export function invitationPage(
  ui: PageUi,
  opts: { csrf: string; action: string; user: User; company: Company; error?: Text },
) {
  const { t } = ui;
  const company = opts.company.name;
  return layout({
    ui,
    title: t.t('invitation.title', { company }),
    body: html`<h1>${t.t('invitation.title', { company })}</h1>
<p class="lead">${t.t('invitation.lead', { company, email: opts.user.email })}</p>
${opts.error ? html`<p class="alert" role="alert">${t.text(opts.error)}</p>` : ''}
<form method="post" action="${opts.action}">
${hiddenFields({ csrf_token: opts.csrf })}
<label for="email">${t.t('invitation.email')}</label>
<input id="email" name="email" type="email" autocomplete="username" readonly value="${opts.user.email}" dir="ltr">
<label for="password">${t.t('invitation.password')}</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD}" maxlength="1024" aria-describedby="password-hint">
<p class="hint" id="password-hint">${t.t('invitation.password_hint', { count: MIN_PASSWORD })}</p>
<label for="password-confirm">${t.t('invitation.password_confirm')}</label>
<input id="password-confirm" name="password_confirm" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD}" maxlength="1024">
<button type="submit" class="primary">${t.t('invitation.submit')}</button>
</form>`,
  });
}

const CLOSED = {
  used: ['invitation.used_title', 'invitation.used'],
  expired: ['invitation.expired_title', 'invitation.expired'],
  throttled: ['invitation.throttled_title', 'invitation.throttled'],
  unknown: ['invitation.unknown_title', 'invitation.unknown'],
} as const satisfies Record<string, readonly [MessageKey, MessageKey]>;

/** Why a link cannot be used, and what to do instead. */
export function invitationClosedPage(ui: PageUi, kind: keyof typeof CLOSED) {
  const [title, message] = CLOSED[kind];
  return messagePage(ui, {
    title: ui.t.t(title),
    message: ui.t.t(message),
    after: html`<p><a href="/login?return_to=%2Fconsole">${ui.t.t('invitation.sign_in')}</a></p>`,
  });
}
