import { hkdfSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';

/**
 * Private signing keys rest in the database as compact JWEs (`dir` + A256GCM) under a key
 * derived from the server secret, so a database dump alone cannot forge tokens.
 */
export function keyEncryptionKey(serverSecret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', serverSecret, 'gatehouse', 'signing-key-encryption/v1', 32));
}

export async function sealPrivateJwk(jwk: object, kek: Uint8Array): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(jwk)))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', cty: 'jwk+json' })
    .encrypt(kek);
}

export async function openPrivateJwk(sealed: string, kek: Uint8Array): Promise<Record<string, unknown>> {
  try {
    const { plaintext } = await compactDecrypt(sealed, kek);
    return JSON.parse(new TextDecoder().decode(plaintext)) as Record<string, unknown>;
  } catch {
    throw new Error(
      'cannot decrypt a signing key: GATEHOUSE_SECRET differs from the one the keys were created with',
    );
  }
}

/** Key for other secrets Gatehouse must be able to read back (webhook signing secrets). */
export function secretEncryptionKey(serverSecret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', serverSecret, 'gatehouse', 'secret-encryption/v1', 32));
}

/**
 * Key for the management API's kept answers (Idempotency-Key replays): an app's creation
 * answer carries its client secret, which rests only sealed. Its own label, so a sealed
 * answer can never be opened as a webhook secret or the other way round.
 */
export function answerEncryptionKey(serverSecret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', serverSecret, 'gatehouse', 'idempotent-answer-encryption/v1', 32));
}

/**
 * Key of the DPoP server nonces (oauth/dpop/nonces.ts): an HMAC over a time window, the same
 * on every node that shares GATEHOUSE_SECRET, so a nonce one node hands out is good on all.
 */
export function dpopNonceKey(serverSecret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', serverSecret, 'gatehouse', 'dpop-nonce/v1', 32));
}

export async function sealSecret(secret: string, key: Uint8Array): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(secret))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .encrypt(key);
}

export async function openSecret(sealed: string, key: Uint8Array): Promise<string> {
  try {
    return new TextDecoder().decode((await compactDecrypt(sealed, key)).plaintext);
  } catch {
    throw new Error(
      'cannot decrypt a stored secret: GATEHOUSE_SECRET differs from the one it was sealed with',
    );
  }
}
