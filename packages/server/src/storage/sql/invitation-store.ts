import type { Selectable } from 'kysely';
import type { MutationOptions } from '../common.ts';
import type { Invitation, InvitationStore, NewInvitation } from '../invitation-store.ts';
import type { Database } from '../schema.ts';
import type { Role } from '../types.ts';
import type { SqlContext } from './context.ts';
import { insertAudit } from './tx.ts';

const toInvitation = (r: Selectable<Database['invitations']>): Invitation => ({
  id: r.id,
  tokenHash: r.token_hash,
  companyId: r.company_id,
  userId: r.user_id,
  role: r.role as Role,
  createdBy: r.created_by,
  createdAt: new Date(Number(r.created_at)),
  expiresAt: new Date(Number(r.expires_at)),
  acceptedAt: r.accepted_at === null ? null : new Date(Number(r.accepted_at)),
});

/** Thrown inside a transaction to roll it back when the invited user may not accept. */
class Refused extends Error {}

/** Invitations (migration 015). */
export class SqlInvitationStore implements InvitationStore {
  constructor(private readonly ctx: SqlContext) {}

  createInvitation(invitation: NewInvitation, opts: MutationOptions = {}) {
    return this.ctx.transaction(async (tx) => {
      const now = Date.now();
      await tx
        .insertInto('invitations')
        .values({
          id: invitation.id,
          token_hash: invitation.tokenHash,
          company_id: invitation.companyId,
          user_id: invitation.userId,
          role: invitation.role,
          created_by: invitation.createdBy,
          created_at: now,
          expires_at: invitation.expiresAt.getTime(),
          accepted_at: null,
        })
        .execute();
      if (opts.audit) await insertAudit(tx, opts.audit, now);
      return { ...invitation, createdAt: new Date(now), acceptedAt: null };
    });
  }

  async findInvitationByHash(tokenHash: string) {
    const row = await this.ctx.db
      .selectFrom('invitations')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && toInvitation(row);
  }

  async listPendingInvitations(companyId: string) {
    const rows = await this.ctx.db
      .selectFrom('invitations')
      .selectAll()
      .where('company_id', '=', companyId)
      .where('accepted_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toInvitation);
  }

  async acceptInvitation(tokenHash: string, passwordHash: string, now: Date, opts: MutationOptions = {}) {
    const at = now.getTime();
    try {
      return await this.ctx.transaction(async (tx) => {
        // The claim: of concurrent callers, one updates the row; the rest find it used.
        const claimed = await tx
          .updateTable('invitations')
          .set({ accepted_at: at })
          .where('token_hash', '=', tokenHash)
          .where('accepted_at', 'is', null)
          .where('expires_at', '>', at)
          .returningAll()
          .executeTakeFirst();
        if (!claimed) return undefined;
        const user = await tx
          .updateTable('users')
          // The link reached the invitee's mailbox (or was handed on by their company's admin).
          .set({
            password_hash: passwordHash,
            email_verified_at: (eb) => eb.fn.coalesce('email_verified_at', eb.val(at)),
          })
          .where('id', '=', claimed.user_id)
          .where('disabled_at', 'is', null)
          .where('password_hash', 'is', null)
          .executeTakeFirst();
        if (Number(user.numUpdatedRows) !== 1) throw new Refused();
        if (opts.audit) await insertAudit(tx, opts.audit, at);
        return toInvitation(claimed);
      });
    } catch (err) {
      if (err instanceof Refused) return undefined;
      throw err;
    }
  }
}
