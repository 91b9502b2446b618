import { SeqGaps } from '@gatehouse/cache';
import { ResourceServerError } from './errors.ts';
import { readEvents } from './sse.ts';

/**
 * How a verifier learns of revocations.
 *
 * @see ../README.md#revocation for the guarantee and its limits.
 */
export interface RevocationOptions {
  /** The feed. Default: `revocation_feed_endpoint` from the issuer metadata, else `${issuer}/oauth2/revocations`. */
  feedUrl?: string;
  /**
   * `stream` (default): follow the server-sent-event stream, polling while it is down;
   * `poll`: read the JSON feed every `pollIntervalMs`; `off`: no revocation checks at all.
   */
  mode?: 'stream' | 'poll' | 'off';
  /** Poll period in `poll` mode and while the stream is down. Default 1000 ms. */
  pollIntervalMs?: number;
  /**
   * Refuse every token (`revocation_unavailable`, 503) once the feed has been out of reach
   * for longer than this. Default: unset, so an unreachable feed fails open (tokens are
   * accepted until they expire, as plain JWT verification would).
   */
  failClosedAfterMs?: number;
  /** Longest a first verify() waits for the initial catch-up. Default 5000 ms. */
  startupTimeoutMs?: number;
}

interface WireEntry {
  seq: number;
  hash: string;
  exp: number;
}

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 30_000;
/** The server sends a heartbeat every 15 s; three missed ones mean the connection is dead. */
const STREAM_IDLE_MS = 45_000;
const SWEEP_EVERY_MS = 60_000;

function isEntry(v: unknown): v is WireEntry {
  const e = v as Partial<WireEntry> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.seq === 'number' &&
    typeof e.hash === 'string' &&
    typeof e.exp === 'number'
  );
}

/**
 * The set of live revocation hashes, kept current by following Gatehouse's revocation feed:
 * a JSON catch-up, then the event stream (or polling when the stream is down or not wanted).
 * Lookups are a Set probe, so checking a token costs nothing on the request path. Entries
 * are dropped at their `exp`, after which every token they could name has expired anyway.
 *
 * Entries can appear out of `seq` order (on PostgreSQL a transaction can commit an entry
 * below one already served), so numbers missing just below the newest are asked for again
 * (JSON catch-up starts below the lowest one) for 30 s (`SeqGaps`, the same cursor the
 * server follows its tables with); the stream pushes such late entries as they appear. An
 * entry below the cursor is taken even when no gap waits for it any more: the server's
 * grace period is timed by its clock, not ours, and a revocation must never be dropped.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009 (what revocation means for the tokens)
 */
export class RevocationList {
  private readonly entries = new Map<string, number>();
  private readonly listeners = new Set<(hashes: string[]) => void>();
  private readonly abort = new AbortController();
  /** The highest `seq` seen, and the numbers below it not seen yet. */
  private readonly seen = new SeqGaps();
  private started = false;
  private streaming = false;
  private lastFreshAt: number;
  private lastSweep = 0;
  private settle: (() => void) | undefined;
  private readonly first: Promise<void>;

  constructor(
    private readonly opts: {
      feedUrl: () => Promise<string>;
      mode: 'stream' | 'poll';
      pollIntervalMs: number;
      failClosedAfterMs?: number;
      startupTimeoutMs: number;
      timeoutMs: number;
    },
  ) {
    this.lastFreshAt = Date.now();
    this.first = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  /** Starts following (idempotent). Verifiers call it on first use. */
  start(): void {
    if (this.started) return;
    this.started = true;
    void this.run();
  }

  /** Resolves when the first catch-up has succeeded or failed, or after the startup timeout. */
  async ready(): Promise<void> {
    this.start();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.first,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.opts.startupTimeoutMs);
        timer.unref?.();
      }),
    ]);
    clearTimeout(timer);
  }

  /**
   * Throws `revocation_unavailable` when fail-closed is configured and the feed has been out
   * of reach for longer than allowed.
   */
  assertFresh(now = Date.now()): void {
    const limit = this.opts.failClosedAfterMs;
    if (limit === undefined || this.streaming) return;
    if (now - this.lastFreshAt > limit)
      throw new ResourceServerError(
        'revocation_unavailable',
        'revocations cannot be checked right now; try again shortly',
      );
  }

  /**
   * How many revocations are held (some possibly past their `exp`, until the next sweep).
   * Zero means no token can be revoked, so callers may skip hashing its ids.
   */
  get size(): number {
    return this.entries.size;
  }

  /** True when any of the hashes is revoked. */
  has(hashes: readonly string[], nowSeconds = Math.floor(Date.now() / 1000)): boolean {
    for (const h of hashes) {
      const exp = this.entries.get(h);
      if (exp !== undefined && exp > nowSeconds) return true;
    }
    return false;
  }

  /** Called with the hashes of every batch of new entries (caches evict with it). */
  onRevoked(listener: (hashes: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What the follower knows, for health endpoints and tests. */
  status(): { streaming: boolean; after: number; size: number; staleForMs: number } {
    return {
      streaming: this.streaming,
      after: this.seen.head,
      size: this.entries.size,
      staleForMs: this.streaming ? 0 : Date.now() - this.lastFreshAt,
    };
  }

  /** Stops following: closes the stream and cancels timers. */
  close(): void {
    this.abort.abort();
    this.settle?.();
  }

  private add(list: readonly unknown[]): void {
    const now = Date.now();
    const fresh: string[] = [];
    for (const e of list) {
      if (!isEntry(e)) continue;
      // Taken whether or not a gap waited for it (see above): only the cursor cares.
      this.seen.take(e.seq, now);
      if (e.exp * 1000 <= now) continue;
      this.entries.set(e.hash, Math.max(e.exp, this.entries.get(e.hash) ?? 0));
      fresh.push(e.hash);
    }
    if (fresh.length > 0) for (const l of this.listeners) l(fresh);
    if (now - this.lastSweep > SWEEP_EVERY_MS) {
      this.lastSweep = now;
      for (const [h, exp] of this.entries) if (exp * 1000 <= now) this.entries.delete(h);
    }
  }

  private async run(): Promise<void> {
    let backoff = MIN_BACKOFF_MS;
    let nextStreamAt = 0;
    while (!this.abort.signal.aborted) {
      try {
        await this.catchUp(await this.opts.feedUrl());
      } catch {
        // Stale from now on; fail-closed (if configured) counts from the last success.
      }
      this.settle?.();
      if (this.abort.signal.aborted) return;
      if (this.opts.mode === 'stream' && Date.now() >= nextStreamAt) {
        const connected = await this.stream().catch(() => false);
        backoff = connected ? MIN_BACKOFF_MS : Math.min(backoff * 2, MAX_BACKOFF_MS);
        // Jitter, so a restarted Gatehouse is not met by every API at the same instant.
        nextStreamAt = Date.now() + backoff * (0.5 + Math.random() / 2);
        if (connected) continue;
      }
      const wait =
        this.opts.mode === 'stream'
          ? Math.min(this.opts.pollIntervalMs, Math.max(0, nextStreamAt - Date.now()))
          : this.opts.pollIntervalMs;
      await this.sleep(wait);
    }
  }

  /** Reads every JSON page after our cursor (or after the lowest gap below it). */
  private async catchUp(feedUrl: string): Promise<void> {
    const startedAt = Date.now();
    this.seen.expire(startedAt);
    let from = this.seen.from;
    for (let pages = 0; pages < 1000; pages++) {
      const url = new URL(feedUrl);
      url.searchParams.set('after', String(from));
      url.searchParams.set('limit', '1000');
      const res = await fetch(url, {
        headers: { accept: 'application/json' },
        redirect: 'error',
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.opts.timeoutMs)]),
      });
      if (res.status !== 200) throw new Error(`the revocation feed answered ${res.status}`);
      const body = (await res.json()) as { revocations?: unknown; has_more?: unknown };
      if (!Array.isArray(body.revocations)) throw new Error('the revocation feed answered no list');
      this.add(body.revocations);
      if (body.has_more !== true) break;
      const last = body.revocations.at(-1) as unknown;
      if (!isEntry(last) || last.seq <= from) break;
      from = last.seq;
    }
    this.lastFreshAt = Math.max(this.lastFreshAt, startedAt);
  }

  /**
   * Follows the event stream until it ends. Resolves true if it was established (the
   * server said `ready`), so the caller reconnects at once; rejects or resolves false if not.
   */
  private async stream(): Promise<boolean> {
    const feedUrl = await this.opts.feedUrl();
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    this.abort.signal.addEventListener('abort', onAbort);
    let idle: ReturnType<typeof setTimeout> | undefined;
    const alive = () => {
      clearTimeout(idle);
      idle = setTimeout(() => controller.abort(), STREAM_IDLE_MS);
      idle.unref?.();
    };
    let established = false;
    try {
      alive();
      const url = new URL(feedUrl);
      const after = String(this.seen.head);
      url.searchParams.set('after', after);
      const res = await fetch(url, {
        headers: { accept: 'text/event-stream', 'last-event-id': after },
        redirect: 'error',
        signal: controller.signal,
      });
      const type = res.headers.get('content-type') ?? '';
      if (res.status !== 200 || !type.startsWith('text/event-stream') || !res.body) {
        await res.body?.cancel();
        return false;
      }
      try {
        for await (const ev of readEvents(res.body, alive)) {
          if (ev.event === 'revocation') {
            this.add([JSON.parse(ev.data) as unknown]);
          } else if (ev.event === 'ready') {
            established = true;
            this.streaming = true;
          }
        }
      } catch {
        // The connection dropped (or sent garbage): the caller reconnects or polls.
      }
      return established;
    } finally {
      if (this.streaming) this.lastFreshAt = Date.now();
      this.streaming = false;
      clearTimeout(idle);
      this.abort.signal.removeEventListener('abort', onAbort);
      controller.abort();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.abort.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref?.();
      this.abort.signal.addEventListener('abort', done, { once: true });
    });
  }
}
