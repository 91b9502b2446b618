import { DEFAULT_RETRY_SCHEDULE_SECONDS } from '../webhooks/retry.ts';

export interface WebhookConfig {
  /** `GATEHOUSE_WEBHOOKS=off` stops this node from delivering (another node may). Default on. */
  enabled: boolean;
  /** Which addresses deliveries may reach. `GATEHOUSE_WEBHOOK_NETWORK`: public-only,
   *  allow-loopback (default outside production) or allow-private. */
  network: 'public-only' | 'allow-loopback' | 'allow-private';
  /**
   * `GATEHOUSE_WEBHOOK_TIMEOUT_MS`, default 5000: one attempt's deadline. A node's lease on a
   * delivery is this plus 5 s (webhooks/dispatcher.ts leaseMsFor).
   */
  timeoutMs: number;
  /** `GATEHOUSE_WEBHOOK_POLL_MS`, default 500: how soon a new event goes out. */
  pollMs: number;
  /** `GATEHOUSE_WEBHOOK_RETRY_SCHEDULE`: seconds between attempts, comma separated. */
  retryScheduleSeconds: number[];
}

const NETWORKS = ['public-only', 'allow-loopback', 'allow-private'] as const;

/** GATEHOUSE_WEBHOOK_*: where deliveries may go, how long they wait, how they retry. */
export function webhookConfig(env: NodeJS.ProcessEnv, production: boolean): WebhookConfig {
  const network = env.GATEHOUSE_WEBHOOK_NETWORK ?? (production ? 'public-only' : 'allow-loopback');
  if (!(NETWORKS as readonly string[]).includes(network))
    throw new Error(`GATEHOUSE_WEBHOOK_NETWORK must be one of ${NETWORKS.join(', ')}`);
  const schedule = env.GATEHOUSE_WEBHOOK_RETRY_SCHEDULE
    ? env.GATEHOUSE_WEBHOOK_RETRY_SCHEDULE.split(',').map((s) => Number(s.trim()))
    : DEFAULT_RETRY_SCHEDULE_SECONDS;
  if (schedule.some((n) => !Number.isFinite(n) || n < 0))
    throw new Error('GATEHOUSE_WEBHOOK_RETRY_SCHEDULE must be comma-separated non-negative seconds');
  return {
    enabled: env.GATEHOUSE_WEBHOOKS !== 'off',
    network: network as WebhookConfig['network'],
    timeoutMs: Number(env.GATEHOUSE_WEBHOOK_TIMEOUT_MS ?? 5000),
    pollMs: Number(env.GATEHOUSE_WEBHOOK_POLL_MS ?? 500),
    retryScheduleSeconds: schedule,
  };
}
