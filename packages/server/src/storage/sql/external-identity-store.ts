import type { Selectable } from 'kysely';
import type { MutationOptions } from '../common.ts';
import type { NewUser } from '../directory-store.ts';
import type {
  ExternalIdentity,
  ExternalIdentityStore,
  LinkOutcome,
  PendingUpstreamSignIn,
} from '../external-identity-store.ts';
import type { Database } from '../schema.ts';
import type { Role } from '../types.ts';
import type { SqlContext } from './context.ts';
import { insertUser } from './directory-store.ts';
import type { Db } from './tx.ts';

const toIdentity = (r: Selectable<Database['external_identities']>): ExternalIdentity => ({
  issuer: r.issuer,
  subject: r.subject,
  userId: r.user_id,
  createdAt: new Date(Number(r.created_at)),
});

const toPending = (r: Selectable<Database['upstream_sign_ins']>): PendingUpstreamSignIn => ({
  stateHash: r.state_hash,
  sessionHash: r.session_hash,
  upstreamId: r.upstream_id,
  flowId: r.flow_id,
  returnTo: r.return_to,
  nonce: r.nonce,
  codeVerifier: r.code_verifier,
  maxAge: r.max_age === null ? null : Number(r.max_age),
  createdAt: new Date(Number(r.created_at)),
  expiresAt: new Date(Number(r.expires_at)),
});

/** A unique or primary-key violation: another writer got there first. */
function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === '23505' || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'));
}

/** Why a link cannot be made, read inside the caller's transaction; undefined when it can. */
async function linkConflict(db: Db, issuer: string, subject: string, userId: string | null) {
  const taken = await db
    .selectFrom('external_identities')
    .select('user_id')
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .executeTakeFirst();
  if (taken) return { kind: 'subject-taken', userId: taken.user_id } as const;
  if (userId === null) return undefined;
  const other = await db
    .selectFrom('external_identities')
    .select('subject')
    .where('user_id', '=', userId)
    .where('issuer', '=', issuer)
    .executeTakeFirst();
  return other ? ({ kind: 'issuer-taken' } as const) : undefined;
}

async function insertIdentity(db: Db, issuer: string, subject: string, userId: string) {
  const createdAt = Date.now();
  await db
    .insertInto('external_identities')
    .values({ issuer, subject, user_id: userId, created_at: createdAt })
    .execute();
  return { issuer, subject, userId, createdAt: new Date(createdAt) };
}

/** External identities and pending upstream sign-ins. */
export class SqlExternalIdentityStore implements ExternalIdentityStore {
  constructor(private readonly ctx: SqlContext) {}

  async getExternalIdentity(issuer: string, subject: string) {
    const row = await this.ctx.db
      .selectFrom('external_identities')
      .selectAll()
      .where('issuer', '=', issuer)
      .where('subject', '=', subject)
      .executeTakeFirst();
    return row && toIdentity(row);
  }

  async listExternalIdentitiesOfUser(userId: string) {
    const rows = await this.ctx.db
      .selectFrom('external_identities')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('issuer')
      .execute();
    return rows.map(toIdentity);
  }

  async linkExternalIdentity(
    link: { issuer: string; subject: string; userId: string },
    opts: MutationOptions = {},
  ): Promise<LinkOutcome> {
    const { issuer, subject, userId } = link;
    const attempt = () =>
      this.ctx.audited(async (tx): Promise<LinkOutcome> => {
        const conflict = await linkConflict(tx, issuer, subject, userId);
        if (conflict) return conflict;
        return { kind: 'linked', identity: await insertIdentity(tx, issuer, subject, userId) };
      }, opts.audit);
    try {
      return await attempt();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // A concurrent link committed first: say what it took.
      return (await linkConflict(this.ctx.db, issuer, subject, userId)) ?? { kind: 'issuer-taken' };
    }
  }

  async createUserWithExternalIdentity(
    user: NewUser,
    link: { issuer: string; subject: string },
    opts: MutationOptions = {},
  ): Promise<LinkOutcome> {
    const attempt = () =>
      this.ctx.audited(async (tx): Promise<LinkOutcome> => {
        const conflict = await linkConflict(tx, link.issuer, link.subject, null);
        if (conflict) return conflict;
        const lower = user.email.toLowerCase();
        const same = await tx
          .selectFrom('users')
          .select('id')
          .where('email_lower', '=', lower)
          .executeTakeFirst();
        if (same) return { kind: 'email-taken' };
        await insertUser(tx, user, Date.now());
        return { kind: 'linked', identity: await insertIdentity(tx, link.issuer, link.subject, user.id) };
      }, opts.audit);
    try {
      return await attempt();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // A concurrent sign-in committed first: say what it took.
      return (await linkConflict(this.ctx.db, link.issuer, link.subject, null)) ?? { kind: 'email-taken' };
    }
  }

  replaceMemberships(
    userId: string,
    memberships: { companyId: string; role: Role }[],
    opts: MutationOptions = {},
  ): Promise<void> {
    return this.ctx.audited(async (tx) => {
      const wanted = new Map(memberships.map((m) => [m.companyId, m.role]));
      const current = await tx.selectFrom('memberships').selectAll().where('user_id', '=', userId).execute();
      const gone = current.filter((m) => !wanted.has(m.company_id)).map((m) => m.company_id);
      if (gone.length > 0)
        await tx
          .deleteFrom('memberships')
          .where('user_id', '=', userId)
          .where('company_id', 'in', gone)
          .execute();
      const now = Date.now();
      for (const [companyId, role] of wanted) {
        const had = current.find((m) => m.company_id === companyId);
        if (!had)
          await tx
            .insertInto('memberships')
            .values({ user_id: userId, company_id: companyId, role, created_at: now })
            .execute();
        else if (had.role !== role)
          await tx
            .updateTable('memberships')
            .set({ role })
            .where('user_id', '=', userId)
            .where('company_id', '=', companyId)
            .execute();
      }
    }, opts.audit);
  }

  async createUpstreamSignIn(p: Omit<PendingUpstreamSignIn, 'createdAt'>): Promise<PendingUpstreamSignIn> {
    const now = Date.now();
    await this.ctx.transaction(async (tx) => {
      await tx.deleteFrom('upstream_sign_ins').where('expires_at', '<=', now).execute();
      await tx
        .insertInto('upstream_sign_ins')
        .values({
          state_hash: p.stateHash,
          session_hash: p.sessionHash,
          upstream_id: p.upstreamId,
          flow_id: p.flowId,
          return_to: p.returnTo,
          nonce: p.nonce,
          code_verifier: p.codeVerifier,
          max_age: p.maxAge,
          created_at: now,
          expires_at: p.expiresAt.getTime(),
        })
        .execute();
    });
    return { ...p, createdAt: new Date(now) };
  }

  async claimUpstreamSignIn(stateHash: string, sessionHash: string, now = new Date()) {
    return this.ctx.transaction(async (tx) => {
      const row = await tx
        .selectFrom('upstream_sign_ins')
        .selectAll()
        .where('state_hash', '=', stateHash)
        .where('session_hash', '=', sessionHash)
        .where('expires_at', '>', now.getTime())
        .executeTakeFirst();
      if (!row) return undefined;
      const res = await tx
        .deleteFrom('upstream_sign_ins')
        .where('state_hash', '=', stateHash)
        .where('session_hash', '=', sessionHash)
        .executeTakeFirst();
      return Number(res.numDeletedRows) === 1 ? toPending(row) : undefined;
    });
  }
}
