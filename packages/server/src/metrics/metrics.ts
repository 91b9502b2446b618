/**
 * What the services report for monitoring: a small port on the domain side. The services and
 * the protocol core call it; the Prometheus adapter (metrics/prometheus.ts) implements it, so
 * no domain module imports prom-client. Every label is drawn from a fixed, small set: never a
 * client id, a user id, an address or a raw path. When metrics are off, the services hold
 * no `Metrics` at all and call nothing (`metrics?.tokenIssued(...)`).
 * The metric each method feeds is listed in docs/operations.md.
 */
export interface Metrics {
  /** An access token was issued: by the grant type asked for and the app's token format. */
  tokenIssued(grantType: string, format: TokenFormat): void;
  /** A client presented credentials that did not authenticate it (`invalid_client`). */
  clientAuthFailed(method: string): void;
  /** A request was refused by a rate limit or throttle (429), by which bucket. */
  rateLimited(bucket: RateLimitBucket): void;
  /** A rotated refresh token was presented again, outside the reuse window: the family is revoked. */
  refreshReuseDetected(): void;
  /** One webhook delivery attempt ended. */
  webhookAttempt(outcome: WebhookOutcome): void;
  /** A shared (Redis) limit check failed and the node's own limiter decided instead. */
  sharedLimiterUnavailable(): void;
}

export type TokenFormat = 'jwt' | 'opaque';

/** Every bucket a request can be refused by. */
export const RATE_LIMIT_BUCKETS = [
  'token_address',
  'token_client',
  'client_auth_failures_address',
  'client_auth_failures_client',
  'grant_resolution_address',
  'sign_in',
  'sign_in_in_flight',
] as const;
export type RateLimitBucket = (typeof RATE_LIMIT_BUCKETS)[number];

/** `delivered`: a 2xx; `retry`: failed, another attempt is scheduled; `failed`: no attempts left. */
export type WebhookOutcome = 'delivered' | 'retry' | 'failed';

/** Read at each scrape, never on a request path. */
export interface MetricsSources {
  /** Pending webhook deliveries and the age in seconds of the oldest (0 when none). */
  webhookBacklog(): Promise<{ pending: number; oldestAgeSeconds: number }>;
  /** Seconds since each feed follower last read to the end of its feed. */
  feedLagSeconds(): { invalidations: number; revocations: number };
  /** The database connection pool (PostgreSQL); undefined for SQLite. */
  databasePool(): { total: number; idle: number; waiting: number; max: number } | undefined;
}
