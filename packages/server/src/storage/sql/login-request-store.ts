import type { Selectable } from 'kysely';
import type {
  LoginAnswer,
  LoginRequest,
  LoginRequestStatus,
  LoginRequestStore,
} from '../login-request-store.ts';
import type { Database } from '../schema.ts';
import type { SqlContext } from './context.ts';

const toRequest = (r: Selectable<Database['login_requests']>): LoginRequest => ({
  challengeHash: r.challenge_hash,
  sessionHash: r.session_hash,
  flowId: r.flow_id,
  returnTo: r.return_to,
  sessionUserId: r.session_user_id,
  status: r.status as LoginRequestStatus,
  userId: r.user_id,
  error: r.error,
  errorDescription: r.error_description,
  createdAt: new Date(Number(r.created_at)),
  expiresAt: new Date(Number(r.expires_at)),
});

/** Login requests delegated to the login application. */
export class SqlLoginRequestStore implements LoginRequestStore {
  constructor(private readonly ctx: SqlContext) {}

  async createLoginRequest(
    r: Omit<LoginRequest, 'createdAt' | 'status' | 'userId' | 'error' | 'errorDescription'>,
  ): Promise<LoginRequest> {
    const now = Date.now();
    await this.ctx.transaction(async (tx) => {
      await tx.deleteFrom('login_requests').where('expires_at', '<=', now).execute();
      await tx
        .insertInto('login_requests')
        .values({
          challenge_hash: r.challengeHash,
          session_hash: r.sessionHash,
          flow_id: r.flowId,
          return_to: r.returnTo,
          session_user_id: r.sessionUserId,
          status: 'pending',
          user_id: null,
          error: null,
          error_description: null,
          verifier_hash: null,
          created_at: now,
          expires_at: r.expiresAt.getTime(),
        })
        .execute();
    });
    return {
      ...r,
      status: 'pending',
      userId: null,
      error: null,
      errorDescription: null,
      createdAt: new Date(now),
    };
  }

  async getLoginRequest(challengeHash: string, now = new Date()) {
    const row = await this.ctx.db
      .selectFrom('login_requests')
      .selectAll()
      .where('challenge_hash', '=', challengeHash)
      .where('expires_at', '>', now.getTime())
      .executeTakeFirst();
    return row && toRequest(row);
  }

  async answerLoginRequest(
    challengeHash: string,
    answer: LoginAnswer,
    verifierHash: string,
    now = new Date(),
  ) {
    const res = await this.ctx.db
      .updateTable('login_requests')
      .set({
        status: answer.status,
        user_id: answer.status === 'accepted' ? answer.userId : null,
        error: answer.status === 'rejected' ? answer.error : null,
        error_description: answer.status === 'rejected' ? answer.errorDescription : null,
        verifier_hash: verifierHash,
      })
      .where('challenge_hash', '=', challengeHash)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now.getTime())
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async claimLoginVerifier(verifierHash: string, sessionHash: string, now = new Date()) {
    return this.ctx.transaction(async (tx) => {
      const row = await tx
        .selectFrom('login_requests')
        .selectAll()
        .where('verifier_hash', '=', verifierHash)
        .where('session_hash', '=', sessionHash)
        .where('status', '!=', 'pending')
        .where('expires_at', '>', now.getTime())
        .executeTakeFirst();
      if (!row) return undefined;
      const res = await tx
        .deleteFrom('login_requests')
        .where('challenge_hash', '=', row.challenge_hash)
        .where('verifier_hash', '=', verifierHash)
        .executeTakeFirst();
      return Number(res.numDeletedRows) === 1 ? toRequest(row) : undefined;
    });
  }
}
