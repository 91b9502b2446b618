import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

// Plain JavaScript run with `eval`, so it needs no loader (tsx, the bench bundle) to start.
// It opens the same file on a connection of its own and checkpoints it PASSIVE-ly (never
// waiting for, nor holding up, the server's reads and writes) every `intervalMs`.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)');
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  try { checkpoint(); } finally { db.close(); parentPort.close(); }
});
`;

/** SQLite's own automatic checkpoint, in pages of WAL, restored if the thread fails. */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * WAL checkpoints for a SQLite file, off the event loop. SQLite checkpoints by itself when a
 * commit leaves the WAL over 1,000 pages: on the connection that committed, i.e. in the middle
 * of a request, where it copies those pages into the database file and waits for two fsyncs
 * (a few to tens of milliseconds here, for every request in flight). Started by the server
 * (Gatehouse.start), this turns that off on the server's connection and runs the checkpoints on
 * a worker thread with a connection of its own instead, every 200 ms. Should the thread fail,
 * SQLite's automatic checkpoint is turned back on, so the WAL never grows without bound. A
 * short-lived process (the CLI, most tests) never starts it and keeps SQLite's default.
 */
export class WalCheckpoints {
  private worker: Worker | undefined;

  constructor(
    private readonly sqlite: SQLite.Database,
    private readonly path: string,
    private readonly intervalMs = 200,
  ) {}

  start(onError: (err: unknown) => void = () => {}): void {
    if (this.worker) return;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, path: this.path, intervalMs: this.intervalMs },
    });
    this.sqlite.pragma('wal_autocheckpoint = 0');
    worker.on('error', (err) => {
      this.sqlite.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
      this.worker = undefined;
      onError(err);
    });
    // A checkpoint thread alone does not keep the process alive.
    worker.unref();
    this.worker = worker;
  }

  /** Stops the thread after a last checkpoint; the server's connection checkpoints by itself again. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    // Held alive until it has exited (unref'd, the process could end while this waits).
    worker.ref();
    worker.postMessage('stop');
    await exited;
    try {
      this.sqlite.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    } catch {
      // Already closed.
    }
  }
}
