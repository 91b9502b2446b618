import { Housekeeper } from '../housekeeping/housekeeper.ts';
import { KeyRotation } from '../keys/rotation.ts';
import { WakeChannel } from '../limits/wake-channel.ts';
import type { RevocationIndex } from '../tokens/revocation-index.ts';
import type { Shared } from './shared.ts';

/**
 * Background work and what ties the nodes together, built last: the housekeeper, key rotation,
 * the gauges metrics read (webhook backlog, feed lag, database pool), the Redis wake-up channel
 * (with REDIS_URL), and the invalidation bus's last two subscribers: app changes re-read whether
 * the implicit grant is in use, and key changes reload the signing keys.
 */
export function wireBackground(
  { config, storage, bus, keys, log, metrics, keyClock }: Shared,
  { revocationIndex, onClientChange }: { revocationIndex: RevocationIndex; onClientChange: () => void },
) {
  const housekeeper = new Housekeeper(storage, config.housekeepingIntervalMs, log);
  const keyRotation = new KeyRotation(storage, keys, {
    config: config.keyRotation,
    ...(keyClock ? { clock: keyClock } : {}),
    ...(log ? { log } : {}),
  });
  metrics?.watch({
    webhookBacklog: async () => {
      const { pending, oldestCreatedAt } = await storage.webhookBacklog();
      const age = oldestCreatedAt === null ? 0 : (Date.now() - oldestCreatedAt.getTime()) / 1000;
      return { pending, oldestAgeSeconds: Math.max(0, age) };
    },
    feedLagSeconds: () => ({
      invalidations: bus.lagSeconds(),
      revocations: revocationIndex.lagSeconds(),
    }),
    databasePool: () => storage.poolStats(),
  });
  let wake: WakeChannel | undefined;
  if (config.redisUrl !== undefined) {
    const channel = new WakeChannel(config.redisUrl, config.redisPrefix, () => {
      void bus.poll();
      void revocationIndex.refresh();
    });
    bus.onLocalChange = () => channel.wake();
    storage.onRevocationsCommitted(() => channel.wake());
    wake = channel;
  }
  bus.subscribe((key) => {
    if (key.startsWith('client:')) onClientChange();
  });
  bus.subscribe((key) => {
    if (key === 'keys')
      void keys.reload().catch((err) => log?.error({ err }, 'reloading signing keys failed'));
  });
  return { housekeeper, keyRotation, wake };
}
