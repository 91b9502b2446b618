import type { Selectable } from 'kysely';
import type { MutationOptions } from '../common.ts';
import type { EmailToken, EmailTokenPurpose, EmailTokenStore, NewEmailToken } from '../email-token-store.ts';
import type { Database } from '../schema.ts';
import type { SqlContext } from './context.ts';
import { endSessions } from './directory-lifecycle.ts';
import { type Db, insertAudit } from './tx.ts';

const toEmailToken = (r: Selectable<Database['email_tokens']>): EmailToken => ({
  id: r.id,
  tokenHash: r.token_hash,
  purpose: r.purpose as EmailTokenPurpose,
  userId: r.user_id,
  email: r.email,
  createdAt: new Date(Number(r.created_at)),
  expiresAt: new Date(Number(r.expires_at)),
  usedAt: r.used_at === null ? null : new Date(Number(r.used_at)),
});

/** Thrown inside a transaction to roll it back when the link's user may not use it. */
class Refused extends Error {}

/**
 * The claim: of concurrent callers, one updates the row; the rest find it used. Then the
 * user must still be enabled and have the address the link went to (the row is locked by
 * the update, so a concurrent address change or disable waits or has already happened).
 */
async function claim(db: Db, tokenHash: string, purpose: EmailTokenPurpose, at: number) {
  const claimed = await db
    .updateTable('email_tokens')
    .set({ used_at: at })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .returningAll()
    .executeTakeFirst();
  if (!claimed) return undefined;
  const verified = await db
    .updateTable('users')
    .set({ email_verified_at: (eb) => eb.fn.coalesce('email_verified_at', eb.val(at)) })
    .where('id', '=', claimed.user_id)
    .where('disabled_at', 'is', null)
    .where('email_lower', '=', claimed.email.toLowerCase())
    .executeTakeFirst();
  if (Number(verified.numUpdatedRows) !== 1) throw new Refused();
  return claimed;
}

/** Runs `work` in one transaction; a Refused inside rolls it back and answers undefined. */
async function refusable(ctx: SqlContext, work: (tx: Db) => Promise<EmailToken | undefined>) {
  try {
    return await ctx.transaction(work);
  } catch (err) {
    if (err instanceof Refused) return undefined;
    throw err;
  }
}

/** E-mailed links (migration 021). */
export class SqlEmailTokenStore implements EmailTokenStore {
  constructor(private readonly ctx: SqlContext) {}

  createEmailToken(token: NewEmailToken, opts: MutationOptions = {}) {
    return this.ctx.transaction(async (tx) => {
      const now = Date.now();
      await tx
        .insertInto('email_tokens')
        .values({
          id: token.id,
          token_hash: token.tokenHash,
          purpose: token.purpose,
          user_id: token.userId,
          email: token.email,
          created_at: now,
          expires_at: token.expiresAt.getTime(),
          used_at: null,
        })
        .execute();
      if (opts.audit) await insertAudit(tx, opts.audit, now);
      return { ...token, createdAt: new Date(now), usedAt: null };
    });
  }

  async findEmailToken(tokenHash: string) {
    const row = await this.ctx.db
      .selectFrom('email_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && toEmailToken(row);
  }

  completePasswordReset(tokenHash: string, passwordHash: string, now: Date, opts: MutationOptions = {}) {
    const at = now.getTime();
    return refusable(this.ctx, async (tx) => {
      const claimed = await claim(tx, tokenHash, 'password_reset', at);
      if (!claimed) return undefined;
      await tx
        .updateTable('users')
        .set({ password_hash: passwordHash })
        .where('id', '=', claimed.user_id)
        .execute();
      // The other reset links the person asked for are spent too: one reset per request wave.
      await tx
        .updateTable('email_tokens')
        .set({ used_at: at })
        .where('user_id', '=', claimed.user_id)
        .where('purpose', '=', 'password_reset')
        .where('used_at', 'is', null)
        .execute();
      await endSessions(tx, claimed.user_id);
      if (opts.audit) await insertAudit(tx, opts.audit, at);
      return toEmailToken(claimed);
    });
  }

  completeEmailVerification(tokenHash: string, now: Date, opts: MutationOptions = {}) {
    const at = now.getTime();
    return refusable(this.ctx, async (tx) => {
      const claimed = await claim(tx, tokenHash, 'email_verification', at);
      if (!claimed) return undefined;
      if (opts.audit) await insertAudit(tx, opts.audit, at);
      return toEmailToken(claimed);
    });
  }
}
