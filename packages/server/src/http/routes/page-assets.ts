import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const ASSETS = new URL('../../pages/assets/', import.meta.url);
const CSS = readFileSync(new URL('gatehouse.css', ASSETS), 'utf8');
const COPY_JS = readFileSync(new URL('copy.js', ASSETS), 'utf8');

/** The static assets the pages use: one stylesheet and the copy-to-clipboard script. */
export function pageAssetRoutes(app: FastifyInstance): void {
  app.get('/assets/gatehouse.css', async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(CSS),
  );
  app.get('/assets/copy.js', async (_req, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('Cache-Control', 'public, max-age=3600')
      .send(COPY_JS),
  );
}
