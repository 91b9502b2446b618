import type { Session } from './authorization-types.ts';
import type { DeliveryStatus } from './types.ts';
import type { AttemptOutcome } from './webhook-outbox.ts';

/**
 * A logout token still to deliver (OIDC Back-Channel Logout 1.0): to the app's
 * `backchannel_logout_uri` as it is when sent, about `subject` and the session `sid`. Leased
 * and retried like a webhook delivery; `id` is the logout token's `jti` on every attempt.
 */
export interface BackchannelLogout {
  id: string;
  appId: string;
  subject: string;
  sid: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

/** What ending a session came to. */
export interface EndedSession {
  session: Session;
  /** The apps that were issued an ID token in the session. */
  appIds: string[];
  /** The back-channel logouts enqueued (those of the apps with a back-channel logout URI). */
  logouts: BackchannelLogout[];
}

/**
 * Logout: which apps were issued ID tokens in a browser session, ending a session with the
 * back-channel logouts it owes, and the outbox those are delivered from.
 */
export interface LogoutStore {
  /** Remembers that `appId` was issued an ID token in session `sid` (a repeat changes nothing). */
  recordSessionApp(entry: { sid: string; appId: string; userId: string; expiresAt: Date }): Promise<void>;
  /** The apps issued an ID token in session `sid`. */
  listSessionApps(sid: string): Promise<string[]>;
  /**
   * Atomic: deletes the session, its pending flows and its apps, and enqueues one logout per
   * app of the session that has a back-channel logout URI, in one transaction: a logout is
   * never lost after the session is gone, nor sent for a session still there. Exactly one
   * concurrent caller gets the result; the others (and an unknown session) get undefined.
   */
  endSession(idHash: string, now?: Date): Promise<EndedSession | undefined>;
  /** Atomic per row: each due logout is leased to exactly one concurrent caller until `now + leaseMs`. */
  claimDueBackchannelLogouts(now: Date, limit: number, leaseMs: number): Promise<BackchannelLogout[]>;
  /** Atomic: clears the lease taken until `lockedUntil`, counting no attempt; false when no longer held. */
  releaseBackchannelLogoutLease(id: string, lockedUntil: Date): Promise<boolean>;
  /** Atomic: counts the attempt and moves the logout to delivered, failed or its next try. */
  recordBackchannelLogoutAttempt(id: string, outcome: AttemptOutcome): Promise<void>;
  /** An app's logouts, newest first (at most `limit`, default 50). */
  listBackchannelLogouts(appId: string, limit?: number): Promise<BackchannelLogout[]>;
}
