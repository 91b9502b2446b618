/**
 * When a cached access token is renewed. The margin before expiry is the smaller of
 * `renewBeforeMs` and `renewBeforeRatio` of the lifetime, plus up to `jitterRatio` of the
 * margin at random, so a fleet of processes started together does not renew together.
 */
export interface RenewalOptions {
  /** Default 60000 (one minute). */
  renewBeforeMs?: number;
  /** Default 0.1 (a tenth of the lifetime). */
  renewBeforeRatio?: number;
  /** Default 0.5. */
  jitterRatio?: number;
  /** Called when a renewal started ahead of expiry fails (the current token is still served). */
  onRenewalError?: (err: unknown) => void;
}

/** An access token as held by a token source. */
export interface HeldToken {
  accessToken: string;
  /** Epoch ms after which the token is never handed out. */
  expiresAt: number;
  /** Epoch ms from which a renewal is started in the background. */
  refreshAt: number;
  /** The scope the server granted, when it said. */
  scope: string | undefined;
}

/** Used when a token response has no expires_in (RFC 6749 makes it RECOMMENDED only). */
export const ASSUMED_LIFETIME_SECONDS = 60;

/**
 * Lifetime bookkeeping for a token whose request was sent at `sentAt`. `expires_in` is
 * whole seconds, and servers stamp `exp` from a whole-second clock, so the token may die
 * up to a second before `sentAt + expires_in`: one second is taken off (at most half the
 * lifetime). Measuring from our own clock makes skew between us and the server irrelevant.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function tokenTiming(
  sentAt: number,
  expiresIn: number | undefined,
  options: RenewalOptions = {},
  random = Math.random,
): { expiresAt: number; refreshAt: number } {
  const seconds = expiresIn ?? ASSUMED_LIFETIME_SECONDS;
  const lifetime = Math.max(seconds - 1, seconds / 2) * 1000;
  const margin = Math.min(options.renewBeforeMs ?? 60_000, lifetime * (options.renewBeforeRatio ?? 0.1));
  const jitter = random() * margin * (options.jitterRatio ?? 0.5);
  return { expiresAt: sentAt + lifetime, refreshAt: Math.max(sentAt, sentAt + lifetime - margin - jitter) };
}

/**
 * The caching core shared by every token source: serves the held token until its
 * expiry, starts one background renewal once it is due, and funnels every concurrent
 * renewal into a single request (single flight).
 */
export class RenewingToken {
  private current: HeldToken | undefined;
  private inflight: Promise<HeldToken> | undefined;

  constructor(
    private readonly obtain: () => Promise<HeldToken>,
    private readonly onRenewalError: ((err: unknown) => void) | undefined,
    initial?: HeldToken,
  ) {
    this.current = initial;
  }

  /** A token that has not expired: the held one, or a new one (one request for all callers). */
  async get(): Promise<HeldToken> {
    const now = Date.now();
    const held = this.current;
    if (held && now < held.expiresAt) {
      if (now >= held.refreshAt && !this.inflight) {
        this.renew().catch((err: unknown) => {
          // Keep serving the held token; try again halfway to its expiry (at most 5 s on).
          held.refreshAt = Date.now() + Math.min(5000, (held.expiresAt - Date.now()) / 2);
          this.onRenewalError?.(err);
        });
      }
      return held;
    }
    return this.renew();
  }

  /** Renews now, joining a renewal already under way. */
  renew(): Promise<HeldToken> {
    this.inflight ??= (async () => {
      try {
        const next = await this.obtain();
        this.current = next;
        return next;
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }

  /** Drops the held token if it is `token` (or any token when omitted). */
  invalidate(token?: string): void {
    if (token === undefined || this.current?.accessToken === token) this.current = undefined;
  }

  /** The held token without renewing, if any. */
  peek(): HeldToken | undefined {
    return this.current;
  }
}
