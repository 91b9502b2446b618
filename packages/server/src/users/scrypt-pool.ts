import { availableParallelism } from 'node:os';
import { type ScryptParams, ScryptThread } from './scrypt-thread.ts';

export interface ScryptPoolConfig {
  /** Worker threads that hash at once; each holds up to 128 MiB while it hashes (N = 2^17). */
  threads: number;
  /** Hashes that may wait for a thread; one more is refused at once ({@link HashQueueFull}). */
  queueLimit: number;
}

/** Two threads, or one on a single-core box: sign-ins must not take the event loop's core. */
export const DEFAULT_SCRYPT_POOL: ScryptPoolConfig = {
  threads: Math.min(2, availableParallelism()),
  queueLimit: 32,
};

/** Every thread is busy and the queue is full: the caller should answer 503 with Retry-After. */
export class HashQueueFull extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('too many password hashes are waiting');
    this.name = 'HashQueueFull';
  }
}

interface Job {
  lane: string;
  /** Start tag (start-time fair queuing): the lane's turn, in hashes. */
  start: number;
  seq: number;
  password: string;
  salt: Buffer;
  keylen: number;
  params: ScryptParams;
  resolve(key: Buffer): void;
  reject(err: unknown): void;
}

/**
 * The password hashes' own thread budget: a few scrypt workers, off libuv's pool (token
 * signatures use that), with a bounded queue that is fair across lanes. A lane is whoever the
 * caller wants served in turn, for sign-ins the client address. Waiting hashes are served by
 * start-time fair queuing: a lane's k-th waiting hash is tagged k turns after the hash running
 * now, and the lowest tag runs next (ties in arrival order). So a burst from one address waits
 * behind itself, and another address's sign-in waits for at most one hash per busy lane, not
 * for the whole burst; a lane that keeps coming back never passes one that has waited longer.
 * When `queueLimit` hashes are waiting, the next is refused at once rather than queued for ever.
 *
 * @see https://doi.org/10.1109/90.649569 Goyal, Vin, Cheng: Start-time Fair Queueing (1997)
 */
export class ScryptPool {
  private readonly idle: ScryptThread[] = [];
  private readonly all: ScryptThread[] = [];
  /** Waiting jobs, at most queueLimit: a scan to pick the next is cheaper than a heap here. */
  private readonly jobs: Job[] = [];
  /**
   * Each lane's last finish tag, kept while the lane has hashes waiting or running (so at most
   * threads + queueLimit lanes): a lane with none starts afresh, like any newcomer.
   */
  private readonly lanes = new Map<string, { finish: number; outstanding: number }>();
  /** Start tag of the hash that started last. */
  private virtualTime = 0;
  private seq = 0;
  private done = 0;
  /** Seconds one hash has taken lately (moving average), for Retry-After. */
  private hashSeconds = 0.5;

  constructor(private readonly config: ScryptPoolConfig = DEFAULT_SCRYPT_POOL) {
    if (!Number.isInteger(config.threads) || config.threads < 1)
      throw new Error(`the scrypt pool needs at least one thread, got ${config.threads}`);
    for (let i = 0; i < config.threads; i++) this.all.push(new ScryptThread());
    this.idle.push(...this.all);
  }

  /** Hashes waiting for a thread. */
  get queued(): number {
    return this.jobs.length;
  }

  /** Hashes running now. */
  get running(): number {
    return this.all.length - this.idle.length;
  }

  /** Lanes with hashes waiting or running. */
  get lanesBusy(): number {
    return this.lanes.size;
  }

  /** Hashes finished (or failed) since the pool started. */
  get completed(): number {
    return this.done;
  }

  /** scrypt in `lane`'s turn; rejects with {@link HashQueueFull} when the queue is full. */
  hash(lane: string, password: string, salt: Buffer, keylen: number, params: ScryptParams): Promise<Buffer> {
    if (this.idle.length === 0 && this.jobs.length >= this.config.queueLimit)
      return Promise.reject(new HashQueueFull(this.retryAfterSeconds()));
    return new Promise<Buffer>((resolve, reject) => {
      const state = this.lanes.get(lane) ?? { finish: 0, outstanding: 0 };
      const start = Math.max(this.virtualTime, state.finish);
      state.finish = start + 1;
      state.outstanding++;
      this.lanes.set(lane, state);
      this.jobs.push({ lane, start, seq: this.seq++, password, salt, keylen, params, resolve, reject });
      this.pump();
    });
  }

  /** Seconds until the queue has likely drained enough for another hash. */
  retryAfterSeconds(): number {
    return Math.max(
      1,
      Math.ceil(((this.jobs.length + this.all.length) * this.hashSeconds) / this.all.length),
    );
  }

  /** Stops the worker threads; hashes still running or waiting fail. */
  async close(): Promise<void> {
    for (const job of this.jobs.splice(0)) {
      this.settle(job.lane);
      job.reject(new Error('the scrypt pool was closed'));
    }
    await Promise.all(this.all.map((t) => t.terminate()));
  }

  private pump(): void {
    while (this.idle.length > 0) {
      const next = this.take();
      if (!next) return;
      this.run(this.idle.pop() as ScryptThread, next);
    }
  }

  /** The waiting job with the lowest start tag, oldest first among equals. */
  private take(): Job | undefined {
    let best = -1;
    for (let i = 0; i < this.jobs.length; i++) {
      const j = this.jobs[i] as Job;
      const b = this.jobs[best] as Job | undefined;
      if (!b || j.start < b.start || (j.start === b.start && j.seq < b.seq)) best = i;
    }
    if (best < 0) return undefined;
    const [job] = this.jobs.splice(best, 1) as [Job];
    this.virtualTime = Math.max(this.virtualTime, job.start);
    return job;
  }

  private run(thread: ScryptThread, job: Job): void {
    const started = performance.now();
    thread.hash(job.password, job.salt, job.keylen, job.params).then(
      (key) => {
        this.hashSeconds = 0.8 * this.hashSeconds + 0.2 * ((performance.now() - started) / 1000);
        this.finish(thread, job.lane);
        job.resolve(key);
      },
      (err: unknown) => {
        this.finish(thread, job.lane);
        job.reject(err);
      },
    );
  }

  private finish(thread: ScryptThread, lane: string): void {
    this.done++;
    this.settle(lane);
    this.idle.push(thread);
    this.pump();
  }

  private settle(lane: string): void {
    const state = this.lanes.get(lane);
    if (state && --state.outstanding <= 0) this.lanes.delete(lane);
  }
}
