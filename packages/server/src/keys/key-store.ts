import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SigningKeyStore } from '../storage/storage.ts';
import { SIGNING_ALGS, type SigningAlg, type SigningKey } from '../storage/types.ts';
import { keyEncryptionKey, openPrivateJwk, sealPrivateJwk } from './crypto.ts';

export type { SigningAlg, SigningKey };
export { SIGNING_ALGS };

export interface LoadedKey {
  kid: string;
  alg: SigningAlg;
  status: 'active' | 'retired';
  createdAt: Date;
  /** For node:crypto (keys/jws.ts); jose accepts it too. */
  privateKey: KeyObject;
  publicJwk: JWK;
}

/** How long a retired key stays in the JWKS: longer than the longest access-token lifetime. */
export const RETIRED_KEY_PUBLISH_MS = 2 * 86_400_000;

/**
 * Signing keys: created on first start (one per algorithm), decrypted once into memory,
 * reloaded when another node rotates them (via the invalidation feed).
 */
export class KeyStore {
  private keys: LoadedKey[] = [];
  private readonly kek: Uint8Array;

  constructor(
    private readonly storage: SigningKeyStore,
    serverSecret: string,
  ) {
    this.kek = keyEncryptionKey(serverSecret);
  }

  /** Creates a key for every algorithm that has none active, then loads all keys. */
  async init(): Promise<void> {
    const existing = await this.storage.listSigningKeys();
    for (const alg of SIGNING_ALGS) {
      if (!existing.some((k) => k.alg === alg && k.status === 'active')) await this.create(alg);
    }
    await this.reload();
  }

  async reload(): Promise<void> {
    const rows = await this.storage.listSigningKeys();
    const cutoff = Date.now() - RETIRED_KEY_PUBLISH_MS;
    const live = rows.filter((r) => r.status === 'active' || (r.retiredAt?.getTime() ?? 0) > cutoff);
    this.keys = await Promise.all(live.map((r) => this.load(r)));
  }

  /** Newest active key for the algorithm. */
  signingKey(alg: SigningAlg): LoadedKey {
    let best: LoadedKey | undefined;
    for (const k of this.keys) {
      if (k.alg === alg && k.status === 'active' && (!best || k.createdAt > best.createdAt)) best = k;
    }
    if (!best) throw new Error(`no active ${alg} signing key`);
    return best;
  }

  /** Public keys for the JWKS document: active ones and recently retired ones. */
  publicJwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** Every signing key as stored, active and retired (the CLI lists their public metadata). */
  list(): Promise<SigningKey[]> {
    return this.storage.listSigningKeys();
  }

  /** Retires the active key(s) of `alg` and creates a new one. Returns the new kid. */
  async rotate(alg: SigningAlg): Promise<string> {
    const old = (await this.storage.listSigningKeys()).filter((k) => k.alg === alg && k.status === 'active');
    const kid = await this.create(alg);
    for (const k of old) await this.storage.retireSigningKey(k.kid);
    await this.reload();
    return kid;
  }

  private async create(alg: SigningAlg): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(alg, {
      extractable: true,
      ...(alg === 'RS256' ? { modulusLength: 2048 } : {}),
      ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
    });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = await exportJWK(privateKey);
    await this.storage.insertSigningKey({
      kid,
      alg,
      publicJwk: JSON.stringify({ ...publicJwk, kid, alg, use: 'sig' }),
      privateJwkEncrypted: await sealPrivateJwk(privateJwk, this.kek),
      status: 'active',
    });
    return kid;
  }

  private async load(row: SigningKey): Promise<LoadedKey> {
    const privateJwk = await openPrivateJwk(row.privateJwkEncrypted, this.kek);
    return {
      kid: row.kid,
      alg: row.alg,
      status: row.status,
      createdAt: row.createdAt,
      privateKey: createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' }),
      publicJwk: JSON.parse(row.publicJwk) as JWK,
    };
  }
}
