import type { RateLimitConfig } from '../config/index.ts';
import { TooManyRequestsError } from '../errors.ts';
import type { SharedBuckets, SharedLimits } from '../limits/shared-limits.ts';
import type { Metrics, RateLimitBucket } from '../metrics/metrics.ts';
import type { ClientAuthAttempt } from '../oauth/client-auth/limits.ts';
import {
  ADDRESS_FAILURES,
  CLIENT_FAILURES,
  type ClientAuthThrottleConfig,
  DEFAULT_CLIENT_AUTH_THROTTLE,
  pairOf,
} from './client-auth-throttle.ts';
import {
  ADDRESS_REFUSED,
  CLIENT_REFUSED,
  type EndpointLimiter,
  type LimiterOptions,
  TokenEndpointLimiter,
} from './rate-limit.ts';

/**
 * The token endpoint's limits (TokenEndpointLimiter's buckets and failure budgets) shared by
 * every node through Redis (REDIS_URL): requests alternating between nodes are counted as
 * one. Each check is one Redis round trip, so each answers with a promise. When Redis cannot
 * answer, the same check is made by this node's own in-memory TokenEndpointLimiter
 * (SharedLimits.decide): nothing is refused because Redis is down.
 */
export class SharedTokenEndpointLimiter implements EndpointLimiter {
  private readonly local: TokenEndpointLimiter;
  private readonly perClient: SharedBuckets;
  private readonly perIp: SharedBuckets;
  private readonly failedPairs: SharedBuckets;
  private readonly failedAddresses: SharedBuckets;
  private readonly metrics: Metrics | undefined;
  private readonly addressBucket: RateLimitBucket;

  constructor(
    private readonly shared: SharedLimits,
    config: RateLimitConfig,
    failures: ClientAuthThrottleConfig = DEFAULT_CLIENT_AUTH_THROTTLE,
    opts: LimiterOptions = {},
  ) {
    this.local = new TokenEndpointLimiter(config, failures, opts);
    this.metrics = opts.metrics;
    this.addressBucket = opts.addressBucket ?? 'token_address';
    // The grant-resolution endpoint's address buckets are its own, as they are in memory.
    this.perIp = shared.buckets(this.addressBucket, config.perIp);
    this.perClient = shared.buckets('token_client', config.perClient);
    this.failedPairs = shared.buckets('client_auth_failures_client', failures.perClientAddress);
    this.failedAddresses = shared.buckets('client_auth_failures_address', failures.perIp);
  }

  checkAddress(ip: string): Promise<void> {
    return this.shared.decide(
      async () => this.refuseIf(await this.perIp.take(ip), this.addressBucket, ADDRESS_REFUSED),
      () => this.local.checkAddress(ip),
    );
  }

  authenticated(clientId: string): Promise<void> {
    return this.shared.decide(
      async () => this.refuseIf(await this.perClient.take(clientId), 'token_client', CLIENT_REFUSED),
      () => this.local.authenticated(clientId),
    );
  }

  /**
   * Takes an attempt from the address's failure budget, then from the (client_id, address)
   * one; a refusal by the second gives the first back. Given back when the attempt succeeds.
   */
  attempt(clientId: string | undefined, address: string): Promise<ClientAuthAttempt> {
    return this.shared.decide(
      async () => {
        this.refuseIf(
          await this.failedAddresses.take(address),
          'client_auth_failures_address',
          ADDRESS_FAILURES,
        );
        const pair = clientId === undefined ? undefined : pairOf(clientId, address);
        if (pair !== undefined) {
          const wait = await this.failedPairs.take(pair).catch((err) => {
            this.failedAddresses.giveBack(address);
            throw err;
          });
          if (wait > 0) this.failedAddresses.giveBack(address);
          this.refuseIf(wait, 'client_auth_failures_client', CLIENT_FAILURES);
        }
        return {
          settle: (failed: boolean) => {
            if (failed) return;
            this.failedAddresses.giveBack(address);
            if (pair !== undefined) this.failedPairs.giveBack(pair);
          },
        };
      },
      () => this.local.attempt(clientId, address),
    );
  }

  private refuseIf(wait: number, bucket: RateLimitBucket, message: string): void {
    if (wait === 0) return;
    this.metrics?.rateLimited(bucket);
    throw new TooManyRequestsError(message, wait);
  }
}
