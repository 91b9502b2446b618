import { addressKey } from '../authorization/address-key.ts';
import type { LoginThrottle } from '../authorization/login-throttle.ts';
import * as valid from '../companies/directory-validation.ts';
import { ValidationError } from '../errors.ts';
import { sha256 } from '../util/hash.ts';

/** Why a link cannot be used. */
export type ClosedLink = { kind: 'used' | 'expired' | 'unknown' };

export type PasswordFromLinkOutcome<V, D> =
  | { kind: 'done'; view: V; result: D }
  | ClosedLink
  /** The password breaks the rules user creation has; the link is still good. */
  | { kind: 'invalid-password'; message: string; view: V }
  /** Too many attempts from this address or on this link: 429 with Retry-After. */
  | { kind: 'throttled'; retryAfter: number };

/**
 * Sets a password from a mailed link (an invitation, a password reset), the one way both do
 * it: the attempt is counted per link and per client address before anything else (and before
 * the hash); the link is looked at; the password must follow the rules of user creation; it is
 * hashed; `store` uses the link up atomically (undefined: someone else did first). Only a
 * success gives the throttle's tokens back; a refused password, checked before any hash,
 * costs nothing.
 */
export async function passwordFromLink<V extends { kind: 'valid' }, D>(opts: {
  throttle: LoginThrottle;
  /** What the link's attempts are counted under, besides the client address. */
  kind: string;
  token: string;
  password: string;
  ip: string;
  view: () => Promise<V | ClosedLink>;
  hash: (password: string) => Promise<string>;
  store: (passwordHash: string, view: V) => Promise<D | undefined>;
}): Promise<PasswordFromLinkOutcome<V, D>> {
  const attempt = opts.throttle.begin(
    `${opts.kind}:${sha256(opts.token.slice(0, 100))}`,
    addressKey(opts.ip),
  );
  if (attempt.refused) return { kind: 'throttled', retryAfter: attempt.retryAfter };
  let settled = false;
  try {
    const view = await opts.view();
    if (view.kind !== 'valid') {
      settled = true;
      attempt.failed();
      return view as ClosedLink;
    }
    try {
      valid.password(opts.password);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      settled = true;
      attempt.abandoned();
      return {
        kind: 'invalid-password',
        message: 'The password must be 12 to 1024 characters.',
        view: view as V,
      };
    }
    const result = await opts.store(await opts.hash(opts.password), view as V);
    settled = true;
    if (result === undefined) {
      attempt.failed();
      return { kind: 'used' };
    }
    attempt.succeeded();
    return { kind: 'done', view: view as V, result };
  } finally {
    if (!settled) attempt.abandoned();
  }
}
