/**
 * When to try a failed delivery again: the Standard Webhooks schedule (immediately, then
 * 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: about 27.6 h in all), each delay with +-10%
 * jitter so that a receiver coming back up is not hit by every retry at once.
 */
export const DEFAULT_RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18000, 36000, 36000];

/**
 * @param attemptsMade attempts including the one that just failed (1 after the first)
 * @returns epoch ms of the next attempt, or null when the schedule is exhausted
 */
export function nextAttemptAt(
  attemptsMade: number,
  now: number,
  schedule: readonly number[] = DEFAULT_RETRY_SCHEDULE_SECONDS,
  random: () => number = Math.random,
): number | null {
  const delay = schedule[attemptsMade - 1];
  if (delay === undefined) return null;
  const jitter = 1 + (random() * 0.2 - 0.1); // +-10%: even the shortest draw stays above 24 h in all
  return now + Math.round(delay * 1000 * jitter);
}
