import { Worker } from 'node:worker_threads';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  maxmem: number;
}

// Plain JavaScript run with `eval`, so it needs no loader (tsx, the bench bundle) to start.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
parentPort.on('message', ({ id, password, salt, keylen, params }) => {
  try {
    const key = scryptSync(password, Buffer.from(salt), keylen, params);
    parentPort.postMessage({ id, key: new Uint8Array(key) });
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
  }
});
`;

/**
 * scrypt on a thread of its own instead of libuv's pool. node:crypto's async scrypt runs in
 * that pool, which token signatures, webhook DNS lookups and file reads share: a sign-in's
 * hash (a few hundred ms at N = 2^17) held a pool thread, and four at once held every token
 * request. Here hashes run one at a time on one worker thread, which also caps the memory
 * scrypt takes (128 MiB per hash) at one hash's worth per thread. The worker starts on the
 * first hash and does not keep the process alive while idle. Sign-ins hash on a few of these
 * through `ScryptPool` (scrypt-pool.ts), which queues fairly; new passwords (the CLI,
 * the demo seed) on one of their own.
 */
export class ScryptThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(key: Buffer): void; reject(err: Error): void }>();
  private nextId = 1;

  hash(password: string, salt: Buffer, keylen: number, params: ScryptParams): Promise<Buffer> {
    const worker = this.start();
    const id = this.nextId++;
    const done = new Promise<Buffer>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    worker.ref();
    worker.postMessage({ id, password, salt: new Uint8Array(salt), keylen, params });
    return done;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.on('message', (m: { id: number; key?: Uint8Array; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.key) p.resolve(Buffer.from(m.key.buffer, m.key.byteOffset, m.key.byteLength));
      else p.reject(new Error(m.error ?? 'scrypt failed'));
      if (this.pending.size === 0) worker.unref();
    });
    worker.on('error', (err) => this.fail(worker, err));
    worker.on('exit', (code) => this.fail(worker, new Error(`the scrypt thread exited with code ${code}`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** Stops the worker; hashes it still held fail. A later hash starts a new one. */
  async terminate(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.fail(worker, new Error('the scrypt thread was stopped'));
    await worker.terminate();
  }

  /** The thread died: fail what it held and start a new one on the next hash. */
  private fail(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
