import { availableParallelism } from 'node:os';
import { DEFAULT_USER_CODE_THROTTLE } from '../authorization/user-code-throttle.ts';
import type { Config } from '../config/index.ts';

/** The most worker processes one `gatehouse serve` runs. */
export const MAX_WORKERS = 64;

/**
 * `--workers` / `GATEHOUSE_WORKERS`: a whole number from 1 to {@link MAX_WORKERS}, or `auto`
 * for one per core the process may use. Unset or empty: 1 (one process, no cluster).
 */
export function parseWorkers(
  name: string,
  value: string | undefined,
  cores = availableParallelism(),
): number {
  const v = value?.trim().toLowerCase() ?? '';
  if (v === '') return 1;
  if (v === 'auto') return Math.max(1, Math.min(MAX_WORKERS, cores));
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > MAX_WORKERS)
    throw new Error(`${name} must be "auto" or a whole number from 1 to ${MAX_WORKERS}, got "${value}"`);
  return Number(v);
}

interface Rate {
  perSecond: number;
  burst: number;
}

/** One worker's share of a budget: 1/n of the rate and of the burst (never below 1). */
function share(rate: Rate, n: number): Rate {
  return { perSecond: rate.perSecond / n, burst: Math.max(1, Math.floor(rate.burst / n)) };
}

/**
 * The settings of one of `workers` processes. Without Redis (`REDIS_URL`) each process keeps
 * its buckets in its own memory, and connections are spread over the processes, so a guesser
 * could spend every process's budget. Each worker therefore holds 1/n of each failure budget
 * (sign-in, password-reset requests, client authentication, device user codes): the machine
 * as a whole never allows more guesses than configured. The token endpoint's flood brake
 * (`GATEHOUSE_TOKEN_RATE_*`) is a capacity brake, not a security budget, and stays per process,
 * as it stays per node. With Redis every process shares the configured buckets unchanged.
 */
export function workerConfig(config: Config, workers: number): Config {
  if (workers <= 1 || config.redisUrl !== undefined) return config;
  const userCodes = config.userCodeThrottle ?? DEFAULT_USER_CODE_THROTTLE;
  return {
    ...config,
    loginThrottle: {
      ...config.loginThrottle,
      perAccount: share(config.loginThrottle.perAccount, workers),
      perIp: share(config.loginThrottle.perIp, workers),
    },
    passwordResetThrottle: {
      ...config.passwordResetThrottle,
      perAccount: share(config.passwordResetThrottle.perAccount, workers),
      perIp: share(config.passwordResetThrottle.perIp, workers),
    },
    clientAuthThrottle: {
      perClientAddress: share(config.clientAuthThrottle.perClientAddress, workers),
      perIp: share(config.clientAuthThrottle.perIp, workers),
    },
    userCodeThrottle: {
      perSession: share(userCodes.perSession, workers),
      perAddress: share(userCodes.perAddress, workers),
    },
  };
}
