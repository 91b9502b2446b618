import type { Logger } from 'pino';
import type { AppStore, BackchannelLogout, LogoutStore } from '../storage/storage.ts';
import type { LogoutTokenIssuer } from '../tokens/logout-token.ts';
import { leaseMsFor } from './dispatcher.ts';
import { nextAttemptAt } from './retry.ts';
import { sendWebhook } from './sender.ts';
import type { NetworkPolicy } from './ssrf.ts';

export interface BackchannelDispatcherOptions {
  pollMs: number;
  timeoutMs: number;
  policy: NetworkPolicy;
  retryScheduleSeconds: readonly number[];
  concurrency: number;
  log?: Logger;
}

/**
 * Sends back-channel logouts (OIDC Back-Channel Logout 1.0 section 2.5) from their outbox
 * with the webhook machinery: the same leases (a node that crashes mid-attempt holds a logout
 * for the attempt timeout plus 5 s), the same retry schedule with jitter, the same sender
 * (deadline, no redirects, 4 KiB read) and network policy against SSRF. Each attempt POSTs
 * `logout_token=<JWT>` as a form, signed afresh with the app's algorithm; its `jti` is the
 * logout's id on every attempt. A 2xx is delivered; anything else is retried. The person's
 * logout never waits for this: it only enqueued the row.
 */
export class BackchannelLogoutDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private shutdown = new AbortController();

  constructor(
    private readonly storage: Pick<
      LogoutStore,
      'claimDueBackchannelLogouts' | 'releaseBackchannelLogoutLease' | 'recordBackchannelLogoutAttempt'
    > &
      Pick<AppStore, 'getAppById'>,
    private readonly tokens: Pick<LogoutTokenIssuer, 'issue'>,
    private readonly opts: BackchannelDispatcherOptions,
  ) {}

  start(): void {
    this.stopped = false;
    if (this.shutdown.signal.aborted) this.shutdown = new AbortController();
    this.schedule(0);
  }

  /** Runs a pass soon (a session just ended with logouts owed). */
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
      .catch((err: unknown) => this.opts.log?.warn({ err }, 'back-channel logout pass failed'))
      .finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule(this.opts.pollMs);
      });
    await this.running;
  }

  /** One pass: every logout due now. Returns how many were attempted. */
  async runOnce(): Promise<number> {
    let total = 0;
    const leaseMs = leaseMsFor(this.opts.timeoutMs);
    for (;;) {
      const now = Date.now();
      const batch = await this.storage.claimDueBackchannelLogouts(
        new Date(now),
        this.opts.concurrency,
        leaseMs,
      );
      if (batch.length === 0) return total;
      const lockedUntil = new Date(now + leaseMs);
      await Promise.all(batch.map((l) => this.deliver(l, lockedUntil)));
      total += batch.length;
      if (this.stopped) return total;
    }
  }

  private async deliver(l: BackchannelLogout, lockedUntil: Date): Promise<void> {
    const signal = this.shutdown.signal;
    if (signal.aborted) {
      await this.storage.releaseBackchannelLogoutLease(l.id, lockedUntil);
      return;
    }
    const app = await this.storage.getAppById(l.appId);
    const attemptedAt = Date.now();
    if (!app?.backchannelLogoutUri) {
      await this.storage.recordBackchannelLogoutAttempt(l.id, {
        attemptedAt,
        statusCode: null,
        error: 'the app no longer has a back-channel logout URI',
        durationMs: 0,
        delivered: false,
        nextAttemptAt: null,
      });
      return;
    }
    const token = await this.tokens.issue(app, { jti: l.id, sub: l.subject, sid: l.sid });
    const body = new URLSearchParams({ logout_token: token }).toString();
    const result = await sendWebhook(app.backchannelLogoutUri, {}, body, {
      timeoutMs: this.opts.timeoutMs,
      policy: this.opts.policy,
      signal,
      contentType: 'application/x-www-form-urlencoded',
    });
    if (result.aborted) {
      await this.storage.releaseBackchannelLogoutLease(l.id, lockedUntil);
      return;
    }
    if (result.detail)
      this.opts.log?.debug({ logout: l.id, detail: result.detail }, 'back-channel logout attempt failed');
    const delivered = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const next = delivered ? null : nextAttemptAt(l.attempts + 1, Date.now(), this.opts.retryScheduleSeconds);
    await this.storage.recordBackchannelLogoutAttempt(l.id, {
      attemptedAt,
      statusCode: result.statusCode,
      error: result.error,
      durationMs: result.durationMs,
      delivered,
      nextAttemptAt: next,
    });
    this.opts.log?.info(
      { logout: l.id, app: l.appId, status: result.statusCode, attempt: l.attempts + 1, delivered },
      'back-channel logout attempt',
    );
  }

  /** Stops claiming, cuts attempts in flight short and gives their leases back. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.shutdown.abort();
    await this.running;
  }
}
