import type { Redis } from 'ioredis';
import { redisClass } from './redis.ts';

/**
 * Optional with REDIS_URL: a Redis pub/sub channel on which a node says "I just committed a
 * change other nodes cache" (an app, a grant, a revocation), so the others read their feeds at
 * once instead of at their next poll. Only a wake-up: the database feeds stay the source of
 * truth, so a message lost (Redis down, a node reconnecting) costs at most one poll interval.
 * It lives beside SharedLimits because Redis is reached only from limits/.
 */
export class WakeChannel {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channel: string;

  constructor(url: string, prefix: string, onWake: () => void) {
    const options = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      retryStrategy: (times: number) => Math.min(times * 200, 2000),
    };
    this.channel = `${prefix}:wake`;
    // ioredis was loaded by Gatehouse.open(), which makes this only with REDIS_URL.
    const Redis = redisClass();
    this.publisher = new Redis(url, options);
    this.subscriber = new Redis(url, { ...options, enableOfflineQueue: true });
    // Failures are SharedLimits' to report (same Redis); a wake-up lost costs one poll interval.
    this.publisher.on('error', () => {});
    this.subscriber.on('error', () => {});
    // On every (re)connection; subscribing twice to one channel is harmless.
    this.subscriber.on('ready', () => {
      this.subscriber.subscribe(this.channel).catch(() => {});
    });
    this.subscriber.on('message', (channel: string) => {
      if (channel === this.channel) onWake();
    });
  }

  start(): void {
    this.publisher.connect().catch(() => {});
    this.subscriber.connect().catch(() => {});
  }

  /** Tells the other nodes to read their feeds now; not waited for, a failure ignored. */
  wake(): void {
    if (this.publisher.status === 'ready') this.publisher.publish(this.channel, '1').catch(() => {});
  }

  close(): void {
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}
