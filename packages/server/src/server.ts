import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { askPrimaryForMetrics } from './cluster/worker.ts';
import { type Config, configWarnings } from './config/index.ts';
import { Gatehouse, type GatehouseOptions } from './gatehouse.ts';
import { buildHttpApp } from './http/app.ts';
import { startMetricsServer } from './http/metrics.ts';
import { createLogger } from './logger.ts';

export interface RunningServer {
  gatehouse: Gatehouse;
  app: FastifyInstance;
  /** The base URL it listens on. */
  url: string;
  close(): Promise<void>;
}

export interface StartServerOptions extends GatehouseOptions {
  logger?: Logger;
  /**
   * This process is a worker of `gatehouse serve --workers N` (startCluster): the primary has
   * given the configuration warnings and serves the metrics port; /metrics on the main port
   * answers with the whole cluster's metrics.
   */
  clusterWorker?: boolean;
}

/** Opens Gatehouse, builds the HTTP app and listens on config.host:config.port. */
export async function startServer(config: Config, opts: StartServerOptions = {}): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  if (!opts.clusterWorker) for (const w of configWarnings(config)) logger.warn(w);
  const gatehouse = await Gatehouse.open(config, { ...opts, logger });
  await gatehouse.start();
  if (opts.clusterWorker) gatehouse.metrics?.joinCluster(askPrimaryForMetrics);
  const app = await buildHttpApp(gatehouse, logger);
  await app.listen({ host: config.host, port: config.port });
  const metricsPort = opts.clusterWorker ? undefined : config.metrics.port;
  let metricsServer: { port: number; close(): Promise<void> } | undefined;
  if (gatehouse.metrics && metricsPort !== undefined) {
    try {
      metricsServer = await startMetricsServer(gatehouse.metrics, {
        host: config.host,
        port: metricsPort,
        token: config.metrics.token,
      });
    } catch (err) {
      await app.close();
      await gatehouse.close();
      throw err;
    }
    logger.info({ port: metricsServer.port }, 'metrics at /metrics on their own port');
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  // libuv reads UV_THREADPOOL_SIZE once, when the pool first starts (bin/threadpool.cjs sets it).
  // Sign-ins hash on threads of their own beside it (users/scrypt-pool.ts).
  logger.info(
    {
      threadpool: Number(process.env.UV_THREADPOOL_SIZE) || 4,
      scryptThreads: config.passwordHashing.threads,
    },
    'libuv thread pool size, and scrypt threads for sign-ins',
  );
  let closed = false;
  return {
    gatehouse,
    app,
    url: `http://${host}:${port}`,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await metricsServer?.close();
      await gatehouse.close();
    },
  };
}
