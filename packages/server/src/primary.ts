import type { Logger } from 'pino';
import { Supervisor } from './cluster/supervisor.ts';
import { type Config, configWarnings } from './config/index.ts';
import { startMetricsServer } from './http/metrics.ts';
import { createLogger } from './logger.ts';
import { clusterScraper } from './metrics/prometheus.ts';

// The primary process of `gatehouse serve --workers N`: kept apart from server.ts so that it
// loads neither the HTTP app nor the storage drivers, which only the workers use.
export interface RunningCluster {
  /** The base URL every worker serves. */
  url: string;
  /** The process ids of the workers running now. */
  pids(): number[];
  /** Stops every worker (each finishes its requests in flight) and the metrics port. */
  close(): Promise<void>;
}

/**
 * `gatehouse serve --workers N`: call in the primary process of a node:cluster whose workers
 * run `startServer(workerConfig(config, N), { clusterWorker: true })` (cli/serve.ts). The
 * primary opens no database: it supervises the workers (cluster/supervisor.ts), hands them
 * connections, and serves the metrics port with every worker's metrics added up.
 */
export async function startCluster(
  config: Config,
  opts: { workers: number; logger?: Logger; env?: Record<string, string> },
): Promise<RunningCluster> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  for (const w of configWarnings(config)) logger.warn(w);
  const metricsOn = config.metrics.port !== undefined || config.metrics.token !== undefined;
  const scrape = metricsOn ? await clusterScraper() : undefined;
  const supervisor = new Supervisor({ workers: opts.workers, log: logger, scrape, env: opts.env });
  const url = await supervisor.start();
  let metricsServer: { port: number; close(): Promise<void> } | undefined;
  if (scrape && config.metrics.port !== undefined) {
    try {
      metricsServer = await startMetricsServer(
        { scrape },
        { host: config.host, port: config.metrics.port, token: config.metrics.token },
      );
    } catch (err) {
      await supervisor.stop();
      throw err;
    }
    logger.info({ port: metricsServer.port }, "the cluster's metrics at /metrics on their own port");
  }
  logger.info(
    {
      workers: opts.workers,
      pids: supervisor.pids(),
      limits: config.redisUrl
        ? 'shared through Redis'
        : 'per worker: each failure budget divided among the workers; token flood brake per worker',
    },
    `serving ${url} with ${opts.workers} worker processes`,
  );
  let closed = false;
  return {
    url,
    pids: () => supervisor.pids(),
    async close() {
      if (closed) return;
      closed = true;
      await metricsServer?.close();
      await supervisor.stop();
    },
  };
}
