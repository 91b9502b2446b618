import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SigningKeyStore } from '../storage/storage.ts';
import { SIGNING_ALGS, type SigningAlg, type SigningKey, type SigningKeyStatus } from '../storage/types.ts';
import { keyEncryptionKey, openPrivateJwk, sealPrivateJwk } from './crypto.ts';

export type { SigningAlg, SigningKey, SigningKeyStatus };
export { SIGNING_ALGS };

export interface LoadedKey {
  kid: string;
  alg: SigningAlg;
  status: SigningKeyStatus;
  createdAt: Date;
  /** For node:crypto (keys/jws.ts); jose accepts it too. */
  privateKey: KeyObject;
  publicJwk: JWK;
}

/** What a manual rotation did for one algorithm. */
export interface RotationResult {
  alg: SigningAlg;
  kid: string;
  /** When the key signs (now for an immediate rotation). */
  activatesAt: Date;
  /** False when a pending key existed already (and `kid` is that key). */
  created: boolean;
  /** The keys it replaced as signing key (immediate rotation only). */
  retired: string[];
}

/**
 * Signing keys: created on first start (one per algorithm), decrypted once into memory,
 * reloaded when they change here or on another node (via the invalidation feed). Every key
 * stored is published in the JWKS: pending ones before they sign, retired ones until the
 * tokens they signed have expired (keys/rotation.ts moves them along).
 *
 * The signing key of each algorithm is kept in a map, so the token endpoint's lookup is one
 * synchronous read, whatever the rotation is doing.
 */
export class KeyStore {
  private signing = new Map<SigningAlg, LoadedKey>();
  private jwks: { keys: JWK[] } = { keys: [] };
  private reloadSeq = 0;
  private appliedSeq = 0;
  private latest: Promise<void> = Promise.resolve();
  private readonly kek: Uint8Array;

  constructor(
    private readonly storage: SigningKeyStore,
    serverSecret: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.kek = keyEncryptionKey(serverSecret);
  }

  /** Creates a key for every algorithm that has none active, then loads all keys. */
  async init(): Promise<void> {
    const existing = await this.storage.listSigningKeys();
    for (const alg of SIGNING_ALGS) {
      if (!existing.some((k) => k.alg === alg && k.status === 'active')) await this.create(alg, 'active');
    }
    await this.reload();
  }

  /**
   * Reads the keys again. Reloads may overlap (a change made here, and the feed's news of
   * it): one that started earlier never overwrites what a later one applied.
   */
  reload(): Promise<void> {
    const seq = ++this.reloadSeq;
    const pass = this.read(seq);
    this.latest = pass.catch(() => undefined);
    return pass;
  }

  /** Resolves once the latest reload begun (here or by the invalidation feed) has ended. */
  settled(): Promise<void> {
    return this.latest;
  }

  private async read(seq: number): Promise<void> {
    const rows = await this.storage.listSigningKeys();
    const keys = await Promise.all(rows.map((r) => this.load(r)));
    if (seq < this.appliedSeq) return;
    this.appliedSeq = seq;
    const signing = new Map<SigningAlg, LoadedKey>();
    // Oldest first, so the newest active key of an algorithm wins.
    for (const k of keys) if (k.status === 'active') signing.set(k.alg, k);
    this.signing = signing;
    this.jwks = { keys: keys.map((k) => k.publicJwk) };
  }

  /** The key that signs for the algorithm now. */
  signingKey(alg: SigningAlg): LoadedKey {
    const key = this.signing.get(alg);
    if (!key) throw new Error(`no active ${alg} signing key`);
    return key;
  }

  /** Public keys for the JWKS document: pending, active and retired ones still published. */
  publicJwks(): { keys: JWK[] } {
    return this.jwks;
  }

  /** Every signing key as stored (the CLI lists their public metadata). */
  list(): Promise<SigningKey[]> {
    return this.storage.listSigningKeys();
  }

  /**
   * Publishes a new key for `alg` that signs from `activatesAt` (a running server switches
   * to it then). When the algorithm has a pending key already, answers that one.
   */
  async prepublish(alg: SigningAlg, activatesAt: Date): Promise<RotationResult> {
    const pending = (await this.storage.listSigningKeys()).find((k) => k.alg === alg && k.status === 'next');
    if (pending?.activatesAt)
      return { alg, kid: pending.kid, activatesAt: pending.activatesAt, created: false, retired: [] };
    const kid = await this.create(alg, 'next', activatesAt);
    await this.reload();
    return { alg, kid, activatesAt, created: true, retired: [] };
  }

  /**
   * Makes the pending key `kid` the signing key now and retires the one it replaces.
   * Undefined when `kid` is no longer pending (another node switched it).
   */
  async activate(kid: string): Promise<string[] | undefined> {
    const retired = await this.storage.activateSigningKey(kid, new Date(this.clock()));
    await this.reload();
    return retired;
  }

  /** Deletes a retired key once it was retired at or before `retiredBy`. */
  async remove(kid: string, retiredBy: Date): Promise<boolean> {
    const removed = await this.storage.deleteRetiredSigningKey(kid, retiredBy);
    if (removed) await this.reload();
    return removed;
  }

  /**
   * The emergency rotation: a new key signs at once, skipping pre-publication (a resource
   * server holding a cached JWKS refetches it, or refuses new tokens until its cooldown
   * ends). A pending key is discarded: it was made before. With `withdraw`, the replaced key
   * leaves the JWKS at once too, so that tokens forged with it stop verifying (and so do the
   * genuine ones it signed).
   */
  async rotateNow(alg: SigningAlg, opts: { withdraw?: boolean } = {}): Promise<RotationResult> {
    const kid = await this.create(alg, 'next', undefined, true);
    const now = new Date(this.clock());
    const retired = (await this.storage.activateSigningKey(kid, now)) ?? [];
    if (opts.withdraw) for (const old of retired) await this.storage.deleteRetiredSigningKey(old, now);
    await this.reload();
    return { alg, kid, activatesAt: now, created: true, retired };
  }

  private async create(
    alg: SigningAlg,
    status: 'active' | 'next',
    activatesAt?: Date,
    replacePending = false,
  ): Promise<string> {
    const createdAt = new Date(this.clock());
    const { publicKey, privateKey } = await generateKeyPair(alg, {
      extractable: true,
      ...(alg === 'RS256' ? { modulusLength: 2048 } : {}),
      ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
    });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = await exportJWK(privateKey);
    const key = {
      kid,
      alg,
      publicJwk: JSON.stringify({ ...publicJwk, kid, alg, use: 'sig' }),
      privateJwkEncrypted: await sealPrivateJwk(privateJwk, this.kek),
      status,
      createdAt,
      activatesAt: activatesAt ?? createdAt,
    };
    await this.storage.insertSigningKey(key, { replacePending });
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
