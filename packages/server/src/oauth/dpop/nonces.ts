import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long one nonce window lasts; a nonce is good in its own window and the next. */
export const DPOP_NONCE_WINDOW_SECONDS = 300;

/**
 * Stateless DPoP server nonces: `<window>.<HMAC-SHA256(key, window)>`, where the window is
 * the current time divided into {@link DPOP_NONCE_WINDOW_SECONDS} slices. Nothing is stored:
 * every node derives the same key from GATEHOUSE_SECRET, so a nonce handed out by one node is
 * accepted by all, for 5 to 10 minutes. A nonce proves only that the proof was made after
 * the client heard from the server recently, which is what RFC 9449 section 8 asks of it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8
 */
export class DpopNonces {
  constructor(
    private readonly key: Uint8Array,
    private readonly now: () => number = Date.now,
  ) {}

  /** The nonce of the current window. */
  current(): string {
    return this.forWindow(this.window());
  }

  /** True for a nonce of the current or the previous window. */
  valid(nonce: unknown): boolean {
    if (typeof nonce !== 'string' || nonce.length > 100) return false;
    const dot = nonce.indexOf('.');
    const window = Number(nonce.slice(0, dot));
    const now = this.window();
    if (dot < 1 || !Number.isSafeInteger(window) || (window !== now && window !== now - 1)) return false;
    const expected = Buffer.from(this.forWindow(window));
    const given = Buffer.from(nonce);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private window(): number {
    return Math.floor(this.now() / 1000 / DPOP_NONCE_WINDOW_SECONDS);
  }

  private forWindow(window: number): string {
    const mac = createHmac('sha256', this.key).update(`dpop-nonce:${window}`).digest('base64url');
    return `${window}.${mac}`;
  }
}
