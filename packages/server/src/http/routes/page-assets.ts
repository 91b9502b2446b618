import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { pageBrandOf } from '../page-ui.ts';

const ASSETS = new URL('../../pages/assets/', import.meta.url);
const CSS = readFileSync(new URL('gatehouse.css', ASSETS), 'utf8');
const COPY_JS = readFileSync(new URL('copy.js', ASSETS), 'utf8');

/**
 * The static assets the pages use: our stylesheet, the theme's (its colours and extra CSS,
 * docs/branding.md) and the copy-to-clipboard script. All from our origin: the pages' CSP
 * allows no other.
 */
export function pageAssetRoutes(app: FastifyInstance): void {
  const brand = pageBrandOf(app);
  app.get('/assets/theme.css', async (_req, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('Cache-Control', 'public, max-age=3600')
      .header('ETag', `"${brand.version}"`)
      .send(brand.stylesheet),
  );
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
