import { GatehouseClientError } from './errors.ts';
import type { RetryOptions } from './retry.ts';

/** Transport options every network call in this package accepts. */
export interface HttpOptions {
  /** The fetch to use; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Retry and timeout settings (see {@link RetryOptions}). */
  retry?: RetryOptions;
  /**
   * Allows plain http to a host that is not loopback. Off: tokens and secrets must not
   * cross a network in clear (RFC 6749 §1.6); 127.0.0.1, ::1 and localhost are always allowed.
   */
  allowInsecureHttp?: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Parses `url` and refuses anything but https (or http to loopback unless allowed). */
export function secureUrl(url: string | URL, what: string, allowInsecureHttp = false): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new GatehouseClientError(`${what} is not an absolute URL: ${String(url)}`);
  }
  if (u.protocol === 'https:') return u;
  if (u.protocol === 'http:' && (allowInsecureHttp || LOOPBACK.has(u.hostname))) return u;
  throw new GatehouseClientError(`${what} must use https: ${u.origin}`);
}

/** application/x-www-form-urlencoded, as RFC 6749 Appendix B prescribes for credentials. */
export function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** base64url without padding, for browsers and Node alike. */
export function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Reads a JSON object body, or undefined when the body is not one. */
export async function jsonObject(res: Response): Promise<Record<string, unknown> | undefined> {
  try {
    const body = (await res.json()) as unknown;
    return body !== null && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
