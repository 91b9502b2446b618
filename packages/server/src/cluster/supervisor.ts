import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Scrape } from '../metrics/prometheus.ts';
import { type ClusterMessage, isClusterMessage, WORKERS_ENV } from './protocol.ts';

export interface SupervisorOptions {
  /** Worker processes to keep running. */
  workers: number;
  log: Logger;
  /** The cluster's metrics, for a worker whose /metrics was scraped; undefined: metrics are off. */
  scrape?: (() => Promise<Scrape>) | undefined;
  /** Added to each worker's environment. */
  env?: Record<string, string>;
  /** The wait before replacing a worker that exited, doubled after each early exit. Default 500 ms. */
  restartDelayMs?: number;
  /** The longest that wait grows to. Default 30 s. */
  maxRestartDelayMs?: number;
  /** A worker that ran this long resets the wait to its first value. Default 60 s. */
  stableAfterMs?: number;
  /** How long `stop()` lets workers finish their requests before SIGKILL. Default 30 s. */
  stopTimeoutMs?: number;
}

/** A worker ended before it said it was listening. */
export class WorkerStartError extends Error {
  constructor(
    readonly code: number | null,
    readonly signal: string | null,
  ) {
    super(
      `a worker process exited ${signal ? `on ${signal}` : `with code ${code}`} before it was listening (its error is above)`,
    );
    this.name = 'WorkerStartError';
  }
}

/**
 * The primary process of `gatehouse serve --workers N` (node:cluster). It opens no database and
 * serves no request: it starts the workers, one first (it migrates the database and creates the
 * signing keys if there are none, so that N processes never race to do it) and then the
 * others together, and hands each new connection to a worker (node:cluster's round robin). A
 * worker that exits while the cluster runs is replaced, after a wait that doubles with each
 * early exit (so a worker that cannot start does not spin the machine) and resets once one has
 * run for a minute. `stop()` asks every worker to finish its requests and waits for them.
 */
export class Supervisor {
  private readonly live = new Map<number, Worker>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopping = false;
  private started = false;
  private delay: number;
  private url = '';

  constructor(private readonly opts: SupervisorOptions) {
    if (!cluster.isPrimary) throw new Error('a Supervisor runs in the primary process only');
    this.delay = opts.restartDelayMs ?? 500;
  }

  /** Starts every worker; resolves with the URL they serve once all of them listen. */
  async start(): Promise<string> {
    cluster.on('message', this.onMessage);
    try {
      this.url = await this.fork().ready;
      await Promise.all(Array.from({ length: this.opts.workers - 1 }, () => this.fork().ready));
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.started = true;
    return this.url;
  }

  /** The process ids of the workers running now. */
  pids(): number[] {
    return [...this.live.values()].flatMap((w) => (w.process.pid === undefined ? [] : [w.process.pid]));
  }

  /** Asks every worker to stop (they finish the requests in flight) and waits for them all. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const exits = [...this.live.values()].map((w) => this.stopWorker(w));
    await Promise.all(exits);
    cluster.off('message', this.onMessage);
  }

  private async stopWorker(worker: Worker): Promise<void> {
    if (worker.isDead()) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    if (worker.isConnected()) worker.send({ gatehouse: 'stop' } satisfies ClusterMessage);
    else worker.process.kill('SIGTERM');
    const timeout = this.opts.stopTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeout);
    });
    if ((await Promise.race([exited, late])) === 'late') {
      this.opts.log.warn({ pid: worker.process.pid }, `a worker did not stop within ${timeout} ms: killed`);
      worker.process.kill('SIGKILL');
      await exited;
    }
    clearTimeout(timer);
  }

  private fork(): { worker: Worker; ready: Promise<string> } {
    const worker = cluster.fork({ ...this.opts.env, [WORKERS_ENV]: String(this.opts.workers) });
    const born = Date.now();
    this.live.set(worker.id, worker);
    const ready = new Promise<string>((resolve, reject) => {
      const onReady = (m: unknown) => {
        if (!isClusterMessage(m) || m.gatehouse !== 'ready') return;
        worker.off('message', onReady);
        resolve(m.url);
      };
      worker.on('message', onReady);
      worker.once('exit', (code, signal) => {
        this.live.delete(worker.id);
        worker.off('message', onReady);
        reject(new WorkerStartError(code, signal));
        this.exited(worker, Date.now() - born, code, signal);
      });
    });
    // A worker that ends before it is ready is the caller's to report (start) or exited()'s.
    ready.catch(() => {});
    return { worker, ready };
  }

  /** A worker ended while the cluster runs: another takes its place after the backoff. */
  private exited(worker: Worker, livedMs: number, code: number | null, signal: string | null): void {
    if (this.stopping || !this.started) return;
    if (livedMs >= (this.opts.stableAfterMs ?? 60_000)) this.delay = this.opts.restartDelayMs ?? 500;
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, this.opts.maxRestartDelayMs ?? 30_000);
    this.opts.log.error(
      { pid: worker.process.pid, code, signal, restartInMs: wait },
      'a worker process exited; starting another in its place',
    );
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stopping) return;
      this.fork().ready.then(
        () => this.opts.log.info({ workers: this.live.size }, 'replacement worker is listening'),
        () => {},
      );
    }, wait);
    this.timers.add(timer);
  }

  private readonly onMessage = (worker: Worker, m: unknown): void => {
    if (!isClusterMessage(m) || m.gatehouse !== 'metrics') return;
    const reply = (answer: ClusterMessage) => {
      if (worker.isConnected()) worker.send(answer);
    };
    if (this.opts.scrape === undefined) {
      reply({ gatehouse: 'metrics-result', id: m.id, error: 'metrics are off' });
      return;
    }
    this.opts.scrape().then(
      ({ contentType, body }) => reply({ gatehouse: 'metrics-result', id: m.id, contentType, body }),
      (err: unknown) =>
        reply({
          gatehouse: 'metrics-result',
          id: m.id,
          error: err instanceof Error ? err.message : String(err),
        }),
    );
  };
}
