import type { SigningKey } from './key-store.ts';

/** A signing key's public metadata, as `gatehouse keys list --json` shows it (never a key). */
export const signingKeyJson = (k: SigningKey) => ({
  kid: k.kid,
  alg: k.alg,
  status: k.status,
  created_at: k.createdAt.toISOString(),
  retired_at: k.retiredAt?.toISOString() ?? null,
});
