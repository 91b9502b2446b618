import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
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

/** Opens Gatehouse, builds the HTTP app and listens on config.host:config.port. */
export async function startServer(
  config: Config,
  opts: GatehouseOptions & { logger?: Logger } = {},
): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  for (const w of configWarnings(config)) logger.warn(w);
  const gatehouse = await Gatehouse.open(config, { ...opts, logger });
  await gatehouse.start();
  const app = await buildHttpApp(gatehouse, logger);
  await app.listen({ host: config.host, port: config.port });
  const metricsPort = config.metrics.port;
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
