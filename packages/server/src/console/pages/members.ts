import type { Invitation } from '../../companies/invitation-service.ts';
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
  notice?: string;
  error?: string;
  add?: { email: string; role: string };
  invite?: { email: string; name: string; role: string };
}

const ROLES: [Role, string][] = [
  ['member', 'Member'],
  ['admin', 'Administrator'],
];

function roleOptions(selected: string): SafeHtml {
  return html`${ROLES.map(([v, l]) => html`<option value="${v}" ${v === selected ? html`selected` : ''}>${l}</option>`)}`;
}

function status(ctx: ConsoleContext, row: MemberRow, now: number): string {
  if (row.user.disabledAt) return 'Disabled';
  if (!row.invitation) return row.user.passwordHash ? 'Active' : 'No password';
  return row.invitation.expiresAt.getTime() > now
    ? `Invitation pending until ${formatTime(ctx.ui.t, row.invitation.expiresAt)}`
    : 'Invitation expired';
}

function roleCell(ctx: ConsoleContext, row: MemberRow): SafeHtml {
  const label = ROLES.find(([v]) => v === row.role)?.[1] ?? row.role;
  if (!ctx.isAdmin) return html`${label}`;
  const id = `role-${row.user.id}`;
  return html`<form method="post" action="${ctx.base}/members/${row.user.id}/role" class="inline-form">
<input type="hidden" name="csrf_token" value="${ctx.csrf}">
<label for="${id}" class="sr-only">Role of ${row.user.email}</label>
<select id="${id}" name="role">${roleOptions(row.role)}</select>
<button type="submit" class="secondary small">Change role<span class="sr-only"> of ${row.user.email}</span></button>
</form>`;
}

/** A new invitation link, for an invitation that expired or whose link was lost. */
function newLinkForm(ctx: ConsoleContext, row: MemberRow): SafeHtml {
  return html`<form method="post" action="${ctx.base}/members/${row.user.id}/invitation" class="inline-form">
<input type="hidden" name="csrf_token" value="${ctx.csrf}">
<button type="submit" class="secondary small">New link<span class="sr-only"> for ${row.user.email}</span></button>
</form>`;
}

function forms(ctx: ConsoleContext, state: MembersPageState): SafeHtml {
  const add = state.add ?? { email: '', role: 'member' };
  const invite = state.invite ?? { email: '', name: '', role: 'member' };
  return html`<div class="member-forms">
<form method="post" action="${ctx.base}/members" aria-labelledby="add-heading">
<h2 id="add-heading">Add an existing user</h2>
<p class="hint">Someone who already has a Gatehouse account, by their sign-in address.</p>
<input type="hidden" name="csrf_token" value="${ctx.csrf}">
<label for="add-email">Email</label>
<input id="add-email" name="email" type="email" required maxlength="254" autocomplete="off" value="${add.email}">
<label for="add-role">Role</label>
<select id="add-role" name="role">${roleOptions(add.role)}</select>
<div class="actions left"><button type="submit" class="primary">Add member</button></div>
</form>
<form method="post" action="${ctx.base}/invitations" aria-labelledby="invite-heading">
<h2 id="invite-heading">Invite a new user</h2>
<p class="hint">Creates their account and a link, valid 72 hours, with which they set a password. The link is shown to you once, and sent to them by e-mail when this server sends mail.</p>
<input type="hidden" name="csrf_token" value="${ctx.csrf}">
<label for="invite-email">Email</label>
<input id="invite-email" name="email" type="email" required maxlength="254" autocomplete="off" value="${invite.email}">
<label for="invite-name">Name <span class="hint">(optional)</span></label>
<input id="invite-name" name="name" type="text" maxlength="100" autocomplete="off" value="${invite.name}">
<label for="invite-role">Role</label>
<select id="invite-role" name="role">${roleOptions(invite.role)}</select>
<div class="actions left"><button type="submit" class="primary">Create invitation</button></div>
</form>
</div>`;
}

/** The company's members: everyone sees the list; administrators change it. */
export function membersPage(ctx: ConsoleContext, rows: MemberRow[], state: MembersPageState = {}) {
  const now = Date.now();
  return consoleLayout({
    ctx,
    section: 'members',
    title: 'Members',
    body: html`<h1>Members</h1>
<p class="lead">People who can sign in to ${ctx.company.name}'s Integration Center and approve apps for it.</p>
${state.notice ? html`<p class="notice" role="status">${state.notice}</p>` : ''}
${state.error ? html`<p class="alert" role="alert">${state.error}</p>` : ''}
<table class="data">
<caption class="sr-only">Members of ${ctx.company.name}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Joined</th><th scope="col">Status</th>${ctx.isAdmin ? html`<th scope="col"><span class="sr-only">Actions</span></th>` : ''}</tr></thead>
<tbody>
${rows.map(
  (row) => html`<tr>
<td>${row.user.name}${row.user.id === ctx.user.id ? html` <span class="hint">(you)</span>` : ''}</td>
<td>${row.user.email}</td>
<td>${roleCell(ctx, row)}</td>
<td>${formatTime(ctx.ui.t, row.joinedAt)}</td>
<td>${status(ctx, row, now)}${ctx.isAdmin && row.invitation ? newLinkForm(ctx, row) : ''}</td>
${ctx.isAdmin ? html`<td><a class="button danger small" href="${ctx.base}/members/${row.user.id}/remove">Remove<span class="sr-only"> ${row.user.email}</span></a></td>` : ''}
</tr>`,
)}
</tbody>
</table>
${ctx.isAdmin ? forms(ctx, state) : html`<p class="notice">Read-only: only administrators can add, change or remove members.</p>`}`,
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
  return consoleLayout({
    ctx,
    section: 'members',
    title: 'Invitation link',
    script: true,
    body: html`<h1>Invitation link for ${user.email}</h1>
<p class="warning" role="note"><strong>Warning:</strong> the link is shown only once. ${mailed ? `It was also sent to ${user.email} by e-mail; if that mail does not arrive, send the link yourself.` : `Send it to ${user.email} yourself.`} Anyone who has it can set this account's password until ${formatTime(ctx.ui.t, expiresAt)} or until it is used.</p>
<label for="invitation-link">Invitation link</label>
<div class="copy-row"><input id="invitation-link" type="text" readonly value="${url}">
<button type="button" class="secondary" data-copy="invitation-link">Copy</button></div>
${copyStatus(ctx.ui)}
<p><a class="button primary" href="${ctx.base}/members">Back to members</a></p>`,
  });
}
