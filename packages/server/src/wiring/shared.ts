import type { Logger } from 'pino';
import type { InvalidationBus } from '../cache/invalidation-bus.ts';
import type { Config } from '../config/index.ts';
import type { KeyStore } from '../keys/key-store.ts';
import type { SharedLimits } from '../limits/shared-limits.ts';
import type { PrometheusMetrics } from '../metrics/prometheus.ts';
import type { Storage } from '../storage/storage.ts';

/**
 * What every group of services is built from: what Gatehouse.open() opened and loaded, and the
 * pieces the constructor makes first. Each module of wiring/ builds one group from it (and from
 * the groups built before), in the order gatehouse.ts lists them.
 */
export interface Shared {
  config: Config;
  storage: Storage;
  bus: InvalidationBus;
  keys: KeyStore;
  log: Logger | undefined;
  /** Undefined when metrics are off: then nothing measures anything. */
  metrics: PrometheusMetrics | undefined;
  /** With REDIS_URL: the limits and throttles the nodes share. */
  sharedLimits: SharedLimits | undefined;
  /** Seals and opens the secrets kept in the database (keys/crypto.ts). */
  secretKey: Uint8Array;
  /** GatehouseOptions.clock: the refresh grant's and the device flow's clock. */
  clock: (() => number) | undefined;
  /** GatehouseOptions.keyClock: the clock signing keys are rotated on. */
  keyClock: (() => number) | undefined;
}
