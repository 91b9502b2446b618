/**
 * The `jti` of every client assertion accepted (RFC 7523 3, item 7), kept until the assertion
 * expires so that none is accepted twice, on any node. Pruned by housekeeping.
 */
export interface AssertionReplayStore {
  /**
   * Atomic: records `jti` for `clientId` until `expiresAt` and answers true, or answers false
   * when it is already recorded and not yet expired (a replay). Of concurrent callers with
   * one (clientId, jti), exactly one gets true.
   */
  useAssertionJti(clientId: string, jti: string, expiresAt: Date, now?: Date): Promise<boolean>;
}
