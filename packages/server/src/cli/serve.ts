import { loadConfig } from '../config/index.ts';
import { type Command, stringOpt, UsageError } from './command.ts';
import { summary } from './format.ts';

/** Waits for SIGINT or SIGTERM. */
function signalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/**
 * `gatehouse serve`: the server alone, as production runs it (no demo data; `npm start`
 * adds the demo seed and the demo API for local trials). Runs until SIGINT or SIGTERM, then
 * stops accepting requests, finishes those in flight and closes the database.
 *
 * With `--workers N` (or `GATEHOUSE_WORKERS`) it runs N processes on one port through
 * node:cluster: this process becomes the primary (server.ts startCluster) and the same command,
 * started again by node:cluster in each worker, serves (docs/deployment.md).
 */
const serve: Command = {
  name: 'serve',
  summary: 'Run the authorization server (migrates first; stops cleanly on SIGINT/SIGTERM)',
  usage: '[--workers N|auto]',
  help: [
    [
      '--workers N|auto',
      'processes serving one port (node:cluster); auto: one per core. Default GATEHOUSE_WORKERS, else 1',
    ],
  ],
  options: { workers: { type: 'string' } },
  example: 'NODE_ENV=production GATEHOUSE_ISSUER=https://auth.example.com gatehouse serve --workers auto',
  async run(values) {
    const [{ isClusterWorker }, { parseWorkers }] = await Promise.all([
      import('../cluster/worker.ts'),
      import('../cluster/settings.ts'),
    ]);
    if (isClusterWorker()) return serveAsWorker();
    const flag = stringOpt(values, 'workers');
    let workers: number;
    try {
      workers = parseWorkers(
        flag === undefined ? 'GATEHOUSE_WORKERS' : '--workers',
        flag ?? process.env.GATEHOUSE_WORKERS,
      );
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    // Resolved here, in the one process, before any worker: a generated server secret is
    // written to the data directory once, and every worker reads that file.
    const config = loadConfig();
    const { createLogger } = await import('../logger.ts');
    const logger = createLogger(config.logLevel);
    const running =
      workers > 1
        ? await (await import('../primary.ts')).startCluster(config, { workers, logger })
        : await (await import('../server.ts')).startServer(config, { logger });
    const signal = await signalled();
    logger.info({ signal }, 'shutting down');
    await running.close();
    return {
      json: { stopped: true, signal, url: running.url, workers },
      text: summary([
        ['Served', running.url],
        ...(workers > 1 ? [['Workers', String(workers)] as [string, string]] : []),
        ['Stopped by', signal],
      ]),
    };
  },
};

/** A worker of `serve --workers N`: serves until its primary says stop (or is gone). */
async function serveAsWorker() {
  const [{ startServer }, { createLogger }, worker, { workerConfig }] = await Promise.all([
    import('../server.ts'),
    import('../logger.ts'),
    import('../cluster/worker.ts'),
    import('../cluster/settings.ts'),
  ]);
  try {
    const config = workerConfig(loadConfig(), worker.clusterSize());
    const logger = createLogger(config.logLevel).child({ worker: worker.workerId() });
    const server = await startServer(config, { logger, clusterWorker: true });
    worker.announceListening(server.url);
    const why = await worker.stopRequested();
    logger.info({ why }, 'worker stopping');
    await server.close();
    return { json: {}, text: '', quiet: true };
  } finally {
    // The IPC channel would keep the process alive, after a failed start too (the error is
    // printed, and the primary reports that a worker could not start). Through the worker
    // object, not process.disconnect(): node:cluster ends a worker whose channel closes any
    // other way at once, with exit code 0.
    worker.leaveCluster();
  }
}

export const serveCommands: Command[] = [serve];
