import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics.ts';
import type { WebhookEndpointStore, WebhookOutbox } from '../storage/storage.ts';
import type { WebhookDelivery } from '../storage/types.ts';
import { nextAttemptAt } from './retry.ts';
import { sendWebhook } from './sender.ts';
import { webhookHeaders } from './signing.ts';
import type { NetworkPolicy } from './ssrf.ts';

export interface DispatcherOptions {
  pollMs: number;
  timeoutMs: number;
  policy: NetworkPolicy;
  retryScheduleSeconds: readonly number[];
  /** Deliveries in flight at once per node. */
  concurrency: number;
  openSecret(sealed: string): Promise<string>;
  log?: Logger;
  /** Counts each attempt's outcome; absent when metrics are off. */
  metrics?: Metrics | undefined;
}

/**
 * How long a claimed delivery stays leased to this node: the attempt's own deadline (the
 * sender ends every attempt by then) plus room to read the endpoint, sign and record the
 * outcome. A node that crashes mid-attempt holds its deliveries no longer than that; a fixed
 * minute would have delayed them well past the moment the attempt could have finished.
 */
export function leaseMsFor(timeoutMs: number): number {
  return timeoutMs + LEASE_MARGIN_MS;
}

/** Room after the attempt's deadline for the database reads and writes around it. */
export const LEASE_MARGIN_MS = 5_000;

/**
 * Works the outbox: leases due deliveries, signs and sends them, records every attempt and
 * schedules the next one. It runs beside the HTTP server on its own timer and connection
 * budget, so a slow or dead receiver never slows a token request. Several nodes may run
 * it at once: leases make each attempt happen on one node.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  /** Aborted by stop(): attempts still in flight end at once and give their lease back. */
  private shutdown = new AbortController();

  constructor(
    private readonly storage: WebhookOutbox & Pick<WebhookEndpointStore, 'getWebhookEndpointById'>,
    private readonly opts: DispatcherOptions,
  ) {}

  start(): void {
    this.stopped = false;
    if (this.shutdown.signal.aborted) this.shutdown = new AbortController();
    this.schedule(0);
  }

  /** Runs a pass soon (after a change enqueued deliveries in this process). */
  wake(): void {
    if (!this.stopped) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms).unref();
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.runOnce()
      .then(() => undefined)
      .catch((err: unknown) => this.opts.log?.warn({ err }, 'webhook dispatch pass failed'))
      .finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule(this.opts.pollMs);
      });
    await this.running;
  }

  /** One pass: deliver everything due now. Returns when the pass is done. */
  async runOnce(): Promise<number> {
    let total = 0;
    const leaseMs = leaseMsFor(this.opts.timeoutMs);
    for (;;) {
      const now = Date.now();
      const batch = await this.storage.claimDueDeliveries(new Date(now), this.opts.concurrency, leaseMs);
      if (batch.length === 0) return total;
      const lockedUntil = new Date(now + leaseMs);
      await Promise.all(batch.map((d) => this.deliver(d, lockedUntil)));
      total += batch.length;
      if (this.stopped) return total;
    }
  }

  private async deliver(d: WebhookDelivery, lockedUntil: Date): Promise<void> {
    const signal = this.shutdown.signal;
    if (signal.aborted) return this.release(d, lockedUntil);
    const endpoint = await this.storage.getWebhookEndpointById(d.endpointId);
    const attemptedAt = Date.now();
    if (!endpoint || endpoint.disabledAt) {
      await this.storage.recordDeliveryAttempt(d.id, {
        attemptedAt,
        statusCode: null,
        error: 'endpoint removed or disabled',
        durationMs: 0,
        delivered: false,
        nextAttemptAt: null,
      });
      this.opts.metrics?.webhookAttempt('failed');
      return;
    }
    const secret = await this.opts.openSecret(endpoint.secretEncrypted);
    const result = await sendWebhook(
      endpoint.url,
      webhookHeaders(secret, d.id, d.payload, attemptedAt),
      d.payload,
      { timeoutMs: this.opts.timeoutMs, policy: this.opts.policy, signal },
    );
    // Cut short by stop(): not the receiver's failure, so no attempt is counted.
    if (result.aborted) return this.release(d, lockedUntil);
    // The tenant sees result.error; the operator may need the address behind it.
    if (result.detail)
      this.opts.log?.debug({ delivery: d.id, detail: result.detail }, 'webhook attempt failed');
    const delivered = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const next = delivered ? null : nextAttemptAt(d.attempts + 1, Date.now(), this.opts.retryScheduleSeconds);
    await this.storage.recordDeliveryAttempt(d.id, {
      attemptedAt,
      statusCode: result.statusCode,
      error: result.error,
      durationMs: result.durationMs,
      delivered,
      nextAttemptAt: next,
    });
    this.opts.metrics?.webhookAttempt(delivered ? 'delivered' : next === null ? 'failed' : 'retry');
    this.opts.log?.info(
      { delivery: d.id, event: d.eventType, status: result.statusCode, attempt: d.attempts + 1, delivered },
      'webhook attempt',
    );
  }

  private async release(d: WebhookDelivery, lockedUntil: Date): Promise<void> {
    const released = await this.storage.releaseDeliveryLease(d.id, lockedUntil);
    this.opts.log?.info({ delivery: d.id, released }, 'webhook attempt cut short by shutdown');
  }

  /**
   * Stops claiming deliveries, ends the attempts in flight and gives their leases back, so
   * another node sends them at once instead of after the lease runs out. An attempt the
   * receiver already answered is recorded as usual; one cut short may have reached the
   * receiver, which the retry's unchanged webhook-id lets it recognise.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.shutdown.abort();
    await this.running;
  }
}
