import { createHash } from 'node:crypto';
import type { Session } from '../storage/authorization-types.ts';
import type {
  AuthorizationStateStore,
  DirectoryStore,
  EndedSession,
  LogoutStore,
} from '../storage/storage.ts';
import type { User } from '../storage/types.ts';
import { hashEquals, sha256 } from '../util/hash.ts';
import { randomToken } from '../util/random.ts';
import type { PasswordSignIn, SignInOutcome } from './password-sign-in.ts';

/** A browser session lives at most this long; signing in starts a fresh one. */
export const SESSION_TTL_MS = 12 * 3600_000;

export interface ActiveSession {
  /** The cookie value (256 random bits); only its hash is stored. */
  token: string;
  session: Session;
}

/** A password sign-in as the page sees it: refused, invalid, or signed in on a fresh session. */
export type PasswordSignInResult =
  | Exclude<SignInOutcome, { kind: 'signed-in' }>
  | { kind: 'signed-in'; user: User; active: ActiveSession };

/**
 * Server-side browser sessions. The cookie carries a random token; the database keeps its
 * SHA-256. A session exists before sign-in too, so that pending authorization flows and
 * CSRF tokens are bound to the browser from the first page.
 */
export class SessionService {
  constructor(
    private readonly storage: AuthorizationStateStore &
      Pick<DirectoryStore, 'getUser'> &
      Pick<LogoutStore, 'endSession'>,
    private readonly passwords: PasswordSignIn,
    /** Told of every session that ended with back-channel logouts owed (wakes their sender). */
    private readonly onEnded: (ended: EndedSession) => void = () => {},
  ) {}

  async load(token: string | undefined): Promise<ActiveSession | undefined> {
    if (!token || token.length > 100) return undefined;
    const session = await this.storage.getSession(sha256(token));
    return session && { token, session };
  }

  async startAnonymous(): Promise<ActiveSession> {
    const token = randomToken(32);
    const session = await this.storage.createSession({
      idHash: sha256(token),
      userId: null,
      authTime: null,
      expiresAt: new Date(Date.now() + SESSION_TTL_MS),
    });
    return { token, session };
  }

  /** Signs in: a new session id (no fixation), carrying the pending flows over. */
  async signIn(previous: ActiveSession | undefined, userId: string): Promise<ActiveSession> {
    const token = randomToken(32);
    const now = Date.now();
    const session = await this.storage.replaceSession(previous?.session.idHash ?? null, {
      idHash: sha256(token),
      userId,
      authTime: new Date(now),
      expiresAt: new Date(now + SESSION_TTL_MS),
      // The public session id of ID tokens and logout tokens: new with every sign-in.
      sid: randomToken(16),
    });
    return { token, session };
  }

  /**
   * Signs in with e-mail and password: the throttle and the password check (PasswordSignIn),
   * then, on success only, a fresh session that carries `previous`'s pending flows.
   */
  async signInWithPassword(
    previous: ActiveSession | undefined,
    email: string,
    password: string,
    ip: string,
  ): Promise<PasswordSignInResult> {
    const outcome = await this.passwords.attempt(email, password, ip);
    if (outcome.kind !== 'signed-in') return outcome;
    return { kind: 'signed-in', user: outcome.user, active: await this.signIn(previous, outcome.user.id) };
  }

  /** The signed-in user, or undefined for an anonymous session (or a user since deleted). */
  async user(active: ActiveSession): Promise<User | undefined> {
    return active.session.userId === null ? undefined : this.storage.getUser(active.session.userId);
  }

  /**
   * Signs the browser out but keeps its pending flows, on a fresh anonymous session ("use
   * another account" during a flow): the person signs in again, as anyone, and the flow goes on.
   */
  async signOutKeepingFlows(previous: ActiveSession): Promise<ActiveSession> {
    const token = randomToken(32);
    const session = await this.storage.replaceSession(previous.session.idHash, {
      idHash: sha256(token),
      userId: null,
      authTime: null,
      expiresAt: new Date(Date.now() + SESSION_TTL_MS),
    });
    return { token, session };
  }

  /**
   * Signs out: ends the session and, in the same transaction, enqueues a back-channel logout
   * for each app that was issued an ID token in it (docs/flows/logout.md). The logouts are
   * sent afterwards by the outbox; signing out never waits for an app.
   */
  async signOut(active: ActiveSession): Promise<EndedSession | undefined> {
    const ended = await this.storage.endSession(active.session.idHash);
    if (ended && ended.logouts.length > 0) this.onEnded(ended);
    return ended;
  }

  /**
   * The CSRF token of a session: derived from the session token, which only the HttpOnly
   * cookie carries, so a cross-site page can neither read nor compute it.
   */
  static csrfToken(active: ActiveSession): string {
    return createHash('sha256').update(`csrf\0${active.token}`).digest('base64url');
  }

  static csrfValid(active: ActiveSession, presented: string | undefined): boolean {
    return presented !== undefined && hashEquals(SessionService.csrfToken(active), presented);
  }
}
