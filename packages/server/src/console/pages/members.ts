import type { Invitation } from '../../companies/invitation-service.ts';
import type { MessageKey } from '../../i18n/catalogs.ts';
import type { Text } from '../../i18n/translator.ts';
import { html, type SafeHtml } from '../../pages/html.ts';
import { copyStatus } from '../../pages/layout.ts';
import type { Role, User } from '../../users/user-service.ts';
import type { ConsoleContext } from '../context.ts';
import { consoleLayout } from '../layout.ts';
import { formatTime } from './format-time.ts';

/** One row of the Members page. */
export interface MemberRow {
  user: User;
  role: Role;
  joinedAt: Date;
  /** The invitation not yet used, when the user has not set a password. */
  invitation?: Invitation;
}

/** What the page says after a change, or why a change was refused (with what was typed). */
export interface MembersPageState {
  notice?: Text;
  error?: Text;
  add?: { email: string; role: string };
  invite?: { email: string; name: string; role: string };
}

const ROLES: [Role, MessageKey][] = [
  ['member', 'members.role.member'],
  ['admin', 'members.role.admin'],
];

function roleOptions(ctx: ConsoleContext, selected: string): SafeHtml {
  return html`${ROLES.map(([v, l]) => html`<option value="${v}" ${v === selected ? html`selected` : ''}>${ctx.ui.t.t(l)}</option>`)}`;
}

function status(ctx: ConsoleContext, row: MemberRow, now: number): string {
  const { t } = ctx.ui;
  if (row.user.disabledAt) return t.t('members.status.disabled');
  if (!row.invitation)
    return t.t(row.user.passwordHash ? 'members.status.active' : 'members.status.no_password');
  return row.invitation.expiresAt.getTime() > now
    ? t.t('members.status.pending', { time: formatTime(t, row.invitation.expiresAt) })
    : t.t('members.status.expired');
}

function roleCell(ctx: ConsoleContext, row: MemberRow): SafeHtml {
  const { t } = ctx.ui;
  const role = ROLES.find(([v]) => v === row.role)?.[1];
  const label = role ? t.t(role) : row.role;
  if (!ctx.isAdmin) return html`${label}`;
  const id = `role-${row.user.id}`;
  return html`<form method="post" action="${ctx.base}/members/${row.user.id}/role" class="inline-form">
<input type="hidden" name="csrf_token" value="${ctx.csrf}">
<label for="${id}" class="sr-only">${t.t('members.role_of', { email: row.user.email })}</label>
<select id="${id}" name="role">${roleOptions(ctx, row.role)}</select>
<button type="submit" class="secondary small">${t.t('members.change_role')}<span class="sr-only">${t.t('members.of', { email: row.user.email })}</span></button>
</form>`;
}

/** A new invitation link, for an invitation that expired or whose link was lost. */
function newLinkForm(ctx: ConsoleContext, row: MemberRow): SafeHtml {
  const { t } = ctx.ui;
  return html`<form method="post" action="${ctx.base}/members/${row.user.id}/invitation" class="inline-form">
<input type="hidden" name="csrf_token" value="${ctx.csrf}">
<button type="submit" class="secondary small">${t.t('members.new_link')}<span class="sr-only">${t.t('members.for', { email: row.user.email })}</span></button>
</form>`;
}

function forms(ctx: ConsoleContext, state: MembersPageState): SafeHtml {
  const { t } = ctx.ui;
  const add = state.add ?? { email: '', role: 'member' };
  const invite = state.invite ?? { email: '', name: '', role: 'member' };
  return html`<div class="member-forms">
<form method="post" action="${ctx.base}/members" aria-labelledby="add-heading">
<h2 id="add-heading">${t.t('members.add.title')}</h2>
<p class="hint">${t.t('members.add.hint')}</p>
<input type="hidden" name="csrf_token" value="${ctx.csrf}">
<label for="add-email">${t.t('members.email')}</label>
<input id="add-email" name="email" type="email" required maxlength="254" autocomplete="off" value="${add.email}" dir="ltr">
<label for="add-role">${t.t('members.role')}</label>
<select id="add-role" name="role">${roleOptions(ctx, add.role)}</select>
<div class="actions left"><button type="submit" class="primary">${t.t('members.add.submit')}</button></div>
</form>
<form method="post" action="${ctx.base}/invitations" aria-labelledby="invite-heading">
<h2 id="invite-heading">${t.t('members.invite.title')}</h2>
<p class="hint">${t.t('members.invite.hint')}</p>
<input type="hidden" name="csrf_token" value="${ctx.csrf}">
<label for="invite-email">${t.t('members.email')}</label>
<input id="invite-email" name="email" type="email" required maxlength="254" autocomplete="off" value="${invite.email}" dir="ltr">
<label for="invite-name">${t.t('members.invite.name')} <span class="hint">${t.t('members.optional')}</span></label>
<input id="invite-name" name="name" type="text" maxlength="100" autocomplete="off" value="${invite.name}">
<label for="invite-role">${t.t('members.role')}</label>
<select id="invite-role" name="role">${roleOptions(ctx, invite.role)}</select>
<div class="actions left"><button type="submit" class="primary">${t.t('members.invite.submit')}</button></div>
</form>
</div>`;
}

/** The company's members: everyone sees the list; administrators change it. */
export function membersPage(ctx: ConsoleContext, rows: MemberRow[], state: MembersPageState = {}) {
  const { t } = ctx.ui;
  const now = Date.now();
  const company = ctx.company.name;
  return consoleLayout({
    ctx,
    section: 'members',
    title: t.t('members.title'),
    body: html`<h1>${t.t('members.title')}</h1>
<p class="lead">${t.t('members.lead', { company })}</p>
${state.notice ? html`<p class="notice" role="status">${t.text(state.notice)}</p>` : ''}
${state.error ? html`<p class="alert" role="alert">${t.text(state.error)}</p>` : ''}
<table class="data">
<caption class="sr-only">${t.t('members.caption', { company })}</caption>
<thead><tr><th scope="col">${t.t('members.col.name')}</th><th scope="col">${t.t('members.col.email')}</th><th scope="col">${t.t('members.col.role')}</th><th scope="col">${t.t('members.col.joined')}</th><th scope="col">${t.t('members.col.status')}</th>${ctx.isAdmin ? html`<th scope="col"><span class="sr-only">${t.t('members.col.actions')}</span></th>` : ''}</tr></thead>
<tbody>
${rows.map(
  (row) => html`<tr>
<td>${row.user.name}${row.user.id === ctx.user.id ? html` <span class="hint">${t.t('members.you')}</span>` : ''}</td>
<td>${row.user.email}</td>
<td>${roleCell(ctx, row)}</td>
<td>${formatTime(t, row.joinedAt)}</td>
<td>${status(ctx, row, now)}${ctx.isAdmin && row.invitation ? newLinkForm(ctx, row) : ''}</td>
${ctx.isAdmin ? html`<td><a class="button danger small" href="${ctx.base}/members/${row.user.id}/remove">${t.t('members.remove')}<span class="sr-only">${t.t('members.remove_sr', { email: row.user.email })}</span></a></td>` : ''}
</tr>`,
)}
</tbody>
</table>
${ctx.isAdmin ? forms(ctx, state) : html`<p class="notice">${t.t('members.read_only')}</p>`}`,
  });
}

/** The invitation link, shown once after it was made. */
export function invitationLinkPage(
  ctx: ConsoleContext,
  user: User,
  url: string,
  expiresAt: Date,
  /** Whether the link was mailed to the invitee too (SMTP_URL is set). */
  mailed = false,
) {
  const { t } = ctx.ui;
  const email = user.email;
  return consoleLayout({
    ctx,
    section: 'members',
    title: t.t('invitation_link.title'),
    script: true,
    body: html`<h1>${t.t('invitation_link.heading', { email })}</h1>
<p class="warning" role="note"><strong>${t.t('secret.warning')}</strong> ${t.t('invitation_link.once')} ${t.t(mailed ? 'invitation_link.mailed' : 'invitation_link.send', { email })} ${t.t('invitation_link.until', { time: formatTime(t, expiresAt) })}</p>
<label for="invitation-link">${t.t('invitation_link.title')}</label>
<div class="copy-row"><input id="invitation-link" type="text" readonly value="${url}" dir="ltr">
<button type="button" class="secondary" data-copy="invitation-link">${t.t('frame.copy')}</button></div>
${copyStatus(ctx.ui)}
<p><a class="button primary" href="${ctx.base}/members">${t.t('invitation_link.back')}</a></p>`,
  });
}
