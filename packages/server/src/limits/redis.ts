import type * as IoRedis from 'ioredis';

let loaded: typeof IoRedis | undefined;

/**
 * Loads ioredis. Only a node with REDIS_URL does (the library is about a fifth of an idle
 * process's memory), so Gatehouse.open() calls this before it makes SharedLimits or
 * WakeChannel, which take the client class from {@link redisClass}.
 */
export async function loadRedis(): Promise<void> {
  loaded ??= await import('ioredis');
}

/** ioredis's client class; loadRedis() must have run. */
export function redisClass(): typeof IoRedis.Redis {
  if (loaded === undefined) throw new Error('ioredis is not loaded: await loadRedis() first');
  return loaded.Redis;
}
