import type { RotationResult, SigningKey } from './key-store.ts';
import { RETIRED_KEY_PUBLISH_MS } from './schedule.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Until when a key is published: a retired key until its tokens have expired; null while it may sign. */
export const publishedUntil = (k: SigningKey): Date | null =>
  k.status === 'retired' && k.retiredAt ? new Date(k.retiredAt.getTime() + RETIRED_KEY_PUBLISH_MS) : null;

/** A signing key's public metadata, as `gatehouse keys list --json` shows it (never a key). */
export const signingKeyJson = (k: SigningKey) => ({
  kid: k.kid,
  alg: k.alg,
  status: k.status,
  created_at: k.createdAt.toISOString(),
  /** `next`: when it will sign; `active`, `retired`: when it began to. */
  activates_at: iso(k.activatesAt),
  retired_at: iso(k.retiredAt),
  published_until: iso(publishedUntil(k)),
});

/** What `gatehouse keys rotate --json` reports for one algorithm. */
export const rotationJson = (r: RotationResult) => ({
  alg: r.alg,
  kid: r.kid,
  activates_at: r.activatesAt.toISOString(),
  created: r.created,
  retired: r.retired,
});
