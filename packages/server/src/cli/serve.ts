import { loadConfig } from '../config/index.ts';
import type { Command } from './command.ts';
import { summary } from './format.ts';

/**
 * `gatehouse serve`: the server alone, as production runs it (no demo data; `npm start`
 * adds the demo seed and the demo API for local trials). Runs until SIGINT or SIGTERM, then
 * stops accepting requests, finishes those in flight and closes the database.
 */
const serve: Command = {
  name: 'serve',
  summary: 'Run the authorization server (migrates first; stops cleanly on SIGINT/SIGTERM)',
  usage: '',
  help: [],
  options: {},
  example: 'NODE_ENV=production GATEHOUSE_ISSUER=https://auth.example.com gatehouse serve',
  async run() {
    const config = loadConfig();
    const [{ startServer }, { createLogger }] = await Promise.all([
      import('../server.ts'),
      import('../logger.ts'),
    ]);
    const logger = createLogger(config.logLevel);
    const server = await startServer(config, { logger });
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    logger.info({ signal }, 'shutting down');
    await server.close();
    return {
      json: { stopped: true, signal, url: server.url },
      text: summary([
        ['Served', server.url],
        ['Stopped by', signal],
      ]),
    };
  },
};

export const serveCommands: Command[] = [serve];
