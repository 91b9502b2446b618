import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LastAdmin } from '../../companies/company-service.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import { queryParams } from '../../http/page-input.ts';
import { seeOther, sendPage } from '../../http/page-reply.ts';
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

/** A service's message ("email address is not valid") as the page says it. */
const sentence = (m: string) => `${m.charAt(0).toUpperCase()}${m.slice(1)}.`;

/** What the page says after each change (a fixed text per key: nothing typed is reflected). */
const DONE: Record<string, string> = {
  added: 'The member was added.',
  role: 'The role was changed.',
  removed: 'The member was removed.',
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

  const lastAdminMessage = (ctx: ConsoleContext) =>
    `This is the last administrator of ${ctx.company.name}. Make another member an administrator first, then change or remove this one.`;

  app.get('/console/c/:companyId/members', HTML, async (request: CompanyReq, reply) => {
    const ctx = await consoleContext(deps, request, reply);
    if (!ctx) return reply;
    const notice = DONE[queryParams(request).get('done') ?? ''];
    return sendPage(reply, 200, membersPage(ctx, await rows(ctx), notice ? { notice } : {}));
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
      if (err instanceof ValidationError)
        return refused(reply, ctx, 400, { add, error: sentence(err.message) });
      if (err instanceof NotFoundError)
        return refused(reply, ctx, 404, {
          add,
          error: `No user has the address ${add.email}. To give them an account, invite them instead.`,
        });
      if (err instanceof ConflictError)
        return refused(reply, ctx, 409, {
          add,
          error: `${add.email} is already a member of ${ctx.company.name}: change their role in the list instead.`,
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
      if (err instanceof ValidationError) return refused(reply, ctx, 400, { error: sentence(err.message) });
      if (err instanceof NotFoundError)
        return refused(reply, ctx, 404, { error: 'This user is not a member of the company.' });
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
        title: `Remove ${user.email}?`,
        message: html`<p>${self ? 'You lose' : html`${user.name} loses`} access to ${ctx.company.name} at once: the Integration Center, and approving apps for it. Tokens issued for them in this company stop working. Their account stays; an administrator can add them again.</p>`,
        action: `${ctx.base}/members/${user.id}/remove`,
        submit: 'Remove member',
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
      if (err instanceof ValidationError)
        return refused(reply, ctx, 400, { invite, error: sentence(err.message) });
      if (err instanceof ConflictError)
        return refused(reply, ctx, 409, {
          invite,
          error: `A user with the address ${invite.email} exists already: add them as a member instead.`,
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
        return refused(reply, ctx, 404, { error: 'This user has no unused invitation to this company.' });
      if (err instanceof ConflictError)
        return refused(reply, ctx, 409, {
          error:
            'This account has a password, is disabled or belongs to another company: it cannot be given a new link.',
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
