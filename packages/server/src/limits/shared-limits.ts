import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Metrics } from '../metrics/metrics.ts';
import { loadRedis, redisClass } from './redis.ts';

/** A bucket's allowance: `burst` at once, refilled at `perSecond`. A rate of 0 turns it off. */
export interface Rate {
  perSecond: number;
  burst: number;
}

export interface SharedLimitsOptions {
  /** `REDIS_URL`. */
  url: string;
  /** Every key starts with this and a colon (`GATEHOUSE_REDIS_PREFIX`, default `gatehouse`). */
  prefix: string;
  log?: Logger | undefined;
  metrics?: Metrics | undefined;
  /** A Redis command not answered within this fails, and the node decides alone. Default 250 ms. */
  commandTimeoutMs?: number;
  /** After a failure, Redis is not asked again for this long. Default 1000 ms. */
  retryAfterMs?: number;
}

/** Redis did not answer a limit check: the caller decides with its own in-memory limiter. */
export class SharedLimitsUnavailable extends Error {}

const WARN_EVERY_MS = 60_000;

/**
 * The connection through which every node shares its rate limits and throttles (REDIS_URL),
 * with the rule for when it fails: nothing is refused because of Redis. A check Redis does not
 * answer (down, unreachable, slower than the command timeout) is decided by the node's own
 * in-memory limiter instead; that is counted (`Metrics.sharedLimiterUnavailable`) and a
 * warning is logged at most once a minute. For a second after a failure the node does not ask
 * Redis at all (a dead server costs no timeouts), and ioredis reconnects by itself, so sharing
 * resumes once Redis is back.
 */
export class SharedLimits {
  readonly redis: Redis;
  readonly prefix: string;
  private downUntil = 0;
  private lastWarning = Number.NEGATIVE_INFINITY;
  private readonly retryAfterMs: number;

  /** Loads ioredis (the first time), then makes the connection; see the constructor. */
  static async open(opts: SharedLimitsOptions): Promise<SharedLimits> {
    await loadRedis();
    return new SharedLimits(opts);
  }

  /** ioredis must be loaded (loadRedis(), or use {@link SharedLimits.open}). */
  constructor(private readonly opts: SharedLimitsOptions) {
    this.prefix = opts.prefix;
    this.retryAfterMs = opts.retryAfterMs ?? 1000;
    const Redis = redisClass();
    this.redis = new Redis(opts.url, {
      // Connected by start(): a CLI command that opens a Gatehouse checks no limit and needs none.
      lazyConnect: true,
      // Fail at once while disconnected, rather than queue the check behind the reconnection.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: opts.commandTimeoutMs ?? 250,
      connectTimeout: 2000,
      // Keep trying, every 2 s at most, for as long as the process runs.
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    // Reported through unavailable(); an unhandled 'error' event would end the process.
    this.redis.on('error', (err) => this.warn(err));
  }

  /** Connects (and keeps reconnecting); until connected, checks are decided locally. */
  start(): void {
    if (this.redis.status === 'wait') this.redis.connect().catch((err) => this.warn(err));
  }

  /** Buckets named `name` (a key part: `<prefix>:<name>:<key>`) at `rate`, shared through Redis. */
  buckets(name: string, rate: Rate): SharedBuckets {
    return new SharedBuckets(this, name, rate);
  }

  /** False while Redis is not connected, or just failed: decide locally without asking. */
  get usable(): boolean {
    return this.redis.status === 'ready' && Date.now() >= this.downUntil;
  }

  /** A check was decided locally because Redis failed (`err`) or is known to be down. */
  unavailable(err?: unknown): void {
    if (err !== undefined) this.downUntil = Date.now() + this.retryAfterMs;
    this.opts.metrics?.sharedLimiterUnavailable();
    this.warn(err);
  }

  /**
   * Runs `shared` through Redis; when Redis cannot answer, runs `local` instead (fail open to
   * the node's own limiter). Errors other than SharedLimitsUnavailable (a 429) pass through.
   */
  async decide<T>(shared: () => Promise<T>, local: () => T): Promise<T> {
    if (!this.usable) {
      this.unavailable();
      return local();
    }
    try {
      return await shared();
    } catch (err) {
      if (!(err instanceof SharedLimitsUnavailable)) throw err;
      this.unavailable(err.cause);
      return local();
    }
  }

  /**
   * Atomic across every node: true for the first caller to claim `<prefix>:<name>:<key>` within
   * `ttlMs` (SET NX PX), false for every later one. Throws SharedLimitsUnavailable when Redis
   * does not answer; the caller decides then with its own durable store.
   */
  async claimOnce(name: string, key: string, ttlMs: number): Promise<boolean> {
    try {
      const ok = await this.redis.set(`${this.prefix}:${name}:${key}`, '1', 'PX', Math.max(1, ttlMs), 'NX');
      return ok === 'OK';
    } catch (err) {
      throw new SharedLimitsUnavailable('Redis did not answer', { cause: err });
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private warn(err: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.opts.log?.warn(
      { err },
      'Redis (REDIS_URL) is unreachable: rate limits and throttles are held per node until it answers again',
    );
  }
}

/**
 * Buckets shared by every node: rate-limiter-flexible's counter in Redis, `burst` requests per
 * window of `burst / perSecond` seconds, counted atomically (INCR) by every node: the same
 * average rate and the same burst as the in-memory token bucket (http/rate-limit.ts), over a
 * fixed window instead of a refilling one. Each failing call throws SharedLimitsUnavailable.
 */
export class SharedBuckets {
  private readonly limiter: RateLimiterRedis | undefined;

  constructor(
    private readonly shared: SharedLimits,
    name: string,
    rate: Rate,
  ) {
    if (rate.perSecond <= 0) return;
    const points = Math.max(1, Math.floor(rate.burst));
    this.limiter = new RateLimiterRedis({
      storeClient: shared.redis,
      keyPrefix: `${shared.prefix}:${name}`,
      points,
      duration: Math.max(1, Math.ceil(points / rate.perSecond)),
      rejectIfRedisNotReady: true,
    });
  }

  /** Takes one for `key`: 0 when allowed, else the whole seconds until the window ends. */
  async take(key: string): Promise<number> {
    if (this.limiter === undefined) return 0;
    try {
      await this.limiter.consume(key);
      return 0;
    } catch (err) {
      if (err instanceof RateLimiterRes) return Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw new SharedLimitsUnavailable('Redis did not answer', { cause: err });
    }
  }

  /** Seconds until `key` may take one (0: now), taking nothing. */
  async wait(key: string): Promise<number> {
    if (this.limiter === undefined) return 0;
    try {
      const res = await this.limiter.get(key);
      if (res === null || res.remainingPoints > 0) return 0;
      return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    } catch (err) {
      throw new SharedLimitsUnavailable('Redis did not answer', { cause: err });
    }
  }

  /** Gives one back (a success after the attempt was taken); not waited for, a failure ignored. */
  giveBack(key: string): void {
    this.limiter?.reward(key, 1).catch((err) => this.shared.unavailable(err));
  }

  /** Forgets `key` (a success clears an account's failures); not waited for. */
  clear(key: string): void {
    this.limiter?.delete(key).catch((err) => this.shared.unavailable(err));
  }
}
