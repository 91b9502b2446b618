/** How many rows one housekeeping pass deleted, by kind. */
export interface PruneCounts {
  sessions: number;
  flows: number;
  codes: number;
  families: number;
  accessTokens: number;
  revocations: number;
  invalidations: number;
  deliveries: number;
  /** Idempotency keys of the management API, 24 hours after first use. */
  idempotencyKeys: number;
  /** Client assertion `jti`s once the assertion has expired (migration 018). */
  assertionJtis: number;
  /** Pushed authorization requests once expired (60 s). */
  pushedRequests: number;
  /** DPoP proofs used at the token endpoint, once too old to pass the `iat` check. */
  dpopProofs: number;
  /** E-mailed password-reset and verification links, once expired (used or not). */
  emailTokens: number;
  /** Device authorizations (RFC 8628), a day after they expired. */
  deviceAuthorizations: number;
  /**
   * Logout (migration 023): sessions' app lists once the session would have expired, and
   * delivered or failed back-channel logouts after 30 days.
   */
  logouts: number;
}

/** Deleting what nothing can use any more, across every slice. */
export interface HousekeepingStore {
  /**
   * Deletes what nothing can use any more: expired sessions, flows, token families (with their
   * refresh tokens), access-token records and revocation entries; codes a day after expiry;
   * invalidations after an hour; finished webhook deliveries after 30 days; management API
   * idempotency keys once expired (24 hours after first use); used DPoP proofs and e-mailed links once expired;
   * sessions' app lists once expired and finished back-channel logouts after 30 days. Idempotent, and safe to run on
   * several nodes at once.
   */
  pruneExpired(now?: Date): Promise<PruneCounts>;
}
