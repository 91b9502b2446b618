import type { AuthorizationStateStore } from '../authorization-state-store.ts';
import type {
  AuthorizationCode,
  AuthorizationFlow,
  CodeMatch,
  FamilyIssue,
  Session,
} from '../authorization-types.ts';
import type { SqlContext } from './context.ts';
import { consumeCodeAtOnce } from './pg-token-writes.ts';
import * as sessions from './sessions.ts';
import * as tokens from './tokens.ts';

/** Sessions and flows (sql/sessions.ts) and authorization codes (sql/tokens.ts). */
export class SqlAuthorizationStateStore implements AuthorizationStateStore {
  constructor(private readonly ctx: SqlContext) {}

  createSession(session: Omit<Session, 'createdAt'>) {
    return sessions.insertSession(this.ctx.db, session);
  }

  getSession(idHash: string, now = new Date()) {
    return sessions.selectSession(this.ctx.db, idHash, now.getTime());
  }

  replaceSession(oldHash: string | null, next: Omit<Session, 'createdAt'>) {
    return this.ctx.transaction((tx) => sessions.replaceSession(tx, oldHash, next));
  }

  deleteSession(idHash: string) {
    return this.ctx.transaction((tx) => sessions.deleteSession(tx, idHash));
  }

  createAuthorizationFlow(flow: Omit<AuthorizationFlow, 'createdAt'>) {
    return sessions.insertFlow(this.ctx.db, flow);
  }

  getAuthorizationFlow(id: string, sessionHash: string, now = new Date()) {
    return sessions.selectFlow(this.ctx.db, id, sessionHash, now.getTime());
  }

  setAuthorizationFlowCompany(id: string, sessionHash: string, companyId: string) {
    return sessions.setFlowCompany(this.ctx.db, id, sessionHash, companyId);
  }

  claimAuthorizationFlow(id: string, sessionHash: string, now = new Date()) {
    return this.ctx.transaction((tx) => sessions.claimFlow(tx, id, sessionHash, now.getTime()));
  }

  createAuthorizationCode(code: Omit<AuthorizationCode, 'createdAt' | 'consumedAt' | 'familyId'>) {
    return tokens.insertCode(this.ctx.db, code);
  }

  getAuthorizationCode(codeHash: string) {
    return tokens.selectCode(this.ctx.db, codeHash);
  }

  consumeAuthorizationCode(
    codeHash: string,
    family: { id: string; expiresAt: Date; dpopJkt?: string | null },
    now = new Date(),
    issue?: FamilyIssue,
    match?: CodeMatch,
  ) {
    // PostgreSQL: one statement (a single round trip) with the same guarantees.
    if (this.ctx.dialect === 'postgres')
      return consumeCodeAtOnce(this.ctx.db, codeHash, family, now.getTime(), issue, match);
    // `revoking`: recording the access token revokes it at once when its family was revoked meanwhile.
    return this.ctx.revoking((tx) => tokens.consumeCode(tx, codeHash, family, now.getTime(), issue, match));
  }
}
