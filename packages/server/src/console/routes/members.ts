import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LastAdmin } from '../../companies/company-service.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import { queryParams } from '../../http/page-input.ts';
import { seeOther, sendPage } from '../../http/page-reply.ts';
import type { MessageKey } from '../../i18n/catalogs.ts';
import type { Text } from '../../i18n/translator.ts';
import { html } from '../../pages/html.ts';
import type { ConsoleContext, ConsoleDeps } from '../context.ts';
import { adminOnly, sendConsoleError } from '../error-pages.ts';
import { setSecretFlash, takeSecretFlash } from '../flash.ts';
import { consoleContext, consoleForm } from '../guards.ts';
import { confirmPage } from '../pages/confirm.ts';
import { invitationLinkPage, type MemberRow, type MembersPageState, membersPage } from '../pages/members.ts';

type CompanyReq = FastifyRequest<{ Params: { companyId: string } }>;
type MemberReq = FastifyRequest<{ Params: { companyId: string; userId: string } }>;
type InvitationReq = FastifyRequest<{ Params: { companyId: string; invitationId: string } }>;
const HTML = { config: { jsonOnly: false } };

/** The directory services' problems with a member form, as catalog texts (JSON bodies keep the English). */
const INVALID: Record<string, MessageKey> = {
  'role must be admin or member': 'members.invalid.role',
  'email address is not valid': 'members.invalid.email',
  'user name must be 1 to 100 characters': 'members.invalid.name',
};
const invalid = (err: ValidationError): Text => {
  const key = INVALID[err.message];
  return key ? { key } : { key: 'members.invalid.other', vars: { detail: err.message } };
};

/** What the page says after each change (a fixed text per key: nothing typed is reflected). */
const DONE: Record<string, MessageKey> = {
  added: 'members.done.added',
  role: 'members.done.role',
  removed: 'members.done.removed',
};

/**
 * The Members page: the list for everyone in the company; adding an existing user, inviting
 * a new one, changing a role and removing for administrators, all through MembershipService
 * and InvitationService (so the last-admin rule and the audit log hold as in the API).
 */
export function consoleMemberRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { gh } = deps;

  async function rows(ctx: ConsoleContext): Promise<MemberRow[]> {
    const pending = await gh.invitations.pending(ctx.company.id);
    const out: MemberRow[] = [];
    for (const m of await gh.memberships.list(ctx.company.id)) {
      const user = await gh.users.get(m.userId);
      const invitation = pending.get(m.userId);
      if (user)
        out.push({ user, role: m.role, joinedAt: m.createdAt, ...(invitation ? { invitation } : {}) });
    }
    return out;
  }

  /** The page again, with the reason a change was refused, answered with the error's status. */
  async function refused(reply: FastifyReply, ctx: ConsoleContext, status: number, state: MembersPageState) {
    return sendPage(reply, status, membersPage(ctx, await rows(ctx), state));
  }

  /** To the page that shows a new link once (it crosses the 303 in the sealed flash cookie). */
  async function showLink(
    reply: FastifyReply,
    ctx: ConsoleContext,
    made: { invitation: { id: string }; url: string },
  ) {
    await setSecretFlash(deps, reply, ctx, { kind: 'invitation', id: made.invitation.id, secret: made.url });
    return seeOther(reply, `${ctx.base}/invitations/${made.invitation.id}/link`);
  }

  const lastAdminMessage = (ctx: ConsoleContext): Text => ({
    key: 'members.error.last_admin',
    vars: { company: ctx.company.name },
  });

  app.get('/console/c/:companyId/members', HTML, async (request: CompanyReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    if (!ctx) return reply;
    const notice = DONE[queryParams(request).get('done') ?? ''];
    return sendPage(reply, 200, membersPage(ctx, await rows(ctx), notice ? { notice: { key: notice } } : {}));
  });

  app.post('/console/c/:companyId/members', HTML, async (request: CompanyReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    const form = ctx && (await consoleForm(ctx, request, reply));
    if (!ctx || !form) return reply;
    if (!ctx.isAdmin) return adminOnly(reply, ctx);
    const add = { email: (form.get('email') ?? '').trim(), role: form.get('role') ?? '' };
    try {
      await gh.memberships.addByEmail(add.email, ctx.company.id, add.role, ctx.actor);
      return seeOther(reply, `${ctx.base}/members?done=added`);
    } catch (err) {
      if (err instanceof ValidationError) return refused(reply, ctx, 400, { add, error: invalid(err) });
      if (err instanceof NotFoundError)
        return refused(reply, ctx, 404, {
          add,
          error: { key: 'members.error.no_user', vars: { email: add.email } },
        });
      if (err instanceof ConflictError)
        return refused(reply, ctx, 409, {
          add,
          error: {
            key: 'members.error.already_member',
            vars: { email: add.email, company: ctx.company.name },
          },
        });
      throw err;
    }
  });

  app.post('/console/c/:companyId/members/:userId/role', HTML, async (request: MemberReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    const form = ctx && (await consoleForm(ctx, request, reply));
    if (!ctx || !form) return reply;
    if (!ctx.isAdmin) return adminOnly(reply, ctx);
    try {
      await gh.memberships.setRole(request.params.userId, ctx.company.id, form.get('role') ?? '', ctx.actor);
    } catch (err) {
      if (err instanceof LastAdmin) return refused(reply, ctx, 409, { error: lastAdminMessage(ctx) });
      if (err instanceof ValidationError) return refused(reply, ctx, 400, { error: invalid(err) });
      if (err instanceof NotFoundError)
        return refused(reply, ctx, 404, { error: { key: 'members.error.not_member' } });
      throw err;
    }
    // An administrator who made themselves a member can no longer manage the page: show it read-only.
    return seeOther(reply, `${ctx.base}/members?done=role`);
  });

  app.get('/console/c/:companyId/members/:userId/remove', HTML, async (request: MemberReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    if (!ctx) return reply;
    if (!ctx.isAdmin) return adminOnly(reply, ctx);
    const user = await gh.users.get(request.params.userId);
    const member = user && (await gh.memberships.list(ctx.company.id)).find((m) => m.userId === user.id);
    if (!user || !member)
      return sendConsoleError(reply, 404, 'console.error.member_not_found_title', {
        key: 'console.error.member_not_found',
      });
    const self = user.id === ctx.user.id;
    return sendPage(
      reply,
      200,
      confirmPage({
        ctx,
        section: 'members',
        title: ctx.ui.t.t('members.remove.title', { email: user.email }),
        message: html`<p>${ctx.ui.t.t(self ? 'members.remove.self' : 'members.remove.other', { name: user.name, company: ctx.company.name })}</p>`,
        action: `${ctx.base}/members/${user.id}/remove`,
        submit: ctx.ui.t.t('members.remove.submit'),
        cancel: `${ctx.base}/members`,
        danger: true,
      }),
    );
  });

  app.post('/console/c/:companyId/members/:userId/remove', HTML, async (request: MemberReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    const form = ctx && (await consoleForm(ctx, request, reply));
    if (!ctx || !form) return reply;
    if (!ctx.isAdmin) return adminOnly(reply, ctx);
    try {
      await gh.memberships.remove(request.params.userId, ctx.company.id, ctx.actor);
    } catch (err) {
      if (err instanceof LastAdmin) return refused(reply, ctx, 409, { error: lastAdminMessage(ctx) });
      // Already removed (a second click, another tab): the list no longer shows them.
      if (!(err instanceof NotFoundError)) throw err;
    }
    if (request.params.userId === ctx.user.id) return seeOther(reply, '/console');
    return seeOther(reply, `${ctx.base}/members?done=removed`);
  });

  app.post('/console/c/:companyId/invitations', HTML, async (request: CompanyReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    const form = ctx && (await consoleForm(ctx, request, reply));
    if (!ctx || !form) return reply;
    if (!ctx.isAdmin) return adminOnly(reply, ctx);
    const invite = {
      email: (form.get('email') ?? '').trim(),
      name: form.get('name') ?? '',
      role: form.get('role') ?? '',
    };
    try {
      return await showLink(reply, ctx, await gh.invitations.invite(ctx.company.id, invite, ctx.actor));
    } catch (err) {
      if (err instanceof ValidationError) return refused(reply, ctx, 400, { invite, error: invalid(err) });
      if (err instanceof ConflictError)
        return refused(reply, ctx, 409, {
          invite,
          error: { key: 'members.error.user_exists', vars: { email: invite.email } },
        });
      throw err;
    }
  });

  app.post('/console/c/:companyId/members/:userId/invitation', HTML, async (request: MemberReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    const form = ctx && (await consoleForm(ctx, request, reply));
    if (!ctx || !form) return reply;
    if (!ctx.isAdmin) return adminOnly(reply, ctx);
    try {
      return await showLink(
        reply,
        ctx,
        await gh.invitations.reissue(ctx.company.id, request.params.userId, ctx.actor),
      );
    } catch (err) {
      if (err instanceof NotFoundError)
        return refused(reply, ctx, 404, { error: { key: 'members.error.no_invitation' } });
      if (err instanceof ConflictError)
        return refused(reply, ctx, 409, {
          error: { key: 'members.error.cannot_reissue' },
        });
      throw err;
    }
  });

  app.get(
    '/console/c/:companyId/invitations/:invitationId/link',
    HTML,
    async (request: InvitationReq, reply) => {
      const ctx = await consoleContext(deps, request, reply);
      if (!ctx) return reply;
      if (!ctx.isAdmin) return adminOnly(reply, ctx);
      const url = await takeSecretFlash(deps, request, reply, ctx, 'invitation', request.params.invitationId);
      const invitation = [...(await gh.invitations.pending(ctx.company.id)).values()].find(
        (i) => i.id === request.params.invitationId,
      );
      const user = invitation && (await gh.users.get(invitation.userId));
      if (url === undefined || !invitation || !user) return seeOther(reply, `${ctx.base}/members`);
      return sendPage(
        reply,
        200,
        invitationLinkPage(ctx, user, url, invitation.expiresAt, !gh.mailer.logOnly),
      );
    },
  );
}
