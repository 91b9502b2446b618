import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LogoService } from '../../apps/logo.ts';

/**
 * GET /logos/:id: uploaded logos, served by Gatehouse with their checked type, no
 * sniffing, and a CSP that makes even a misread file inert.
 */
export function logoRoutes(app: FastifyInstance, logos: LogoService): void {
  app.get(
    '/logos/:logoId',
    { config: { jsonOnly: false } },
    async (request: FastifyRequest<{ Params: { logoId: string } }>, reply) => {
      const logo = /^logo_[a-z0-9]{1,40}$/.test(request.params.logoId)
        ? await logos.get(request.params.logoId)
        : undefined;
      if (!logo)
        return reply
          .code(404)
          .type('text/plain; charset=utf-8')
          .header('X-Content-Type-Options', 'nosniff')
          .send('logo not found\n');
      const etag = `"${logo.sha256}"`;
      reply
        .header('Content-Type', logo.contentType)
        .header('X-Content-Type-Options', 'nosniff')
        .header('Content-Security-Policy', "default-src 'none'; sandbox")
        .header('Cache-Control', 'public, max-age=86400')
        .header('Cross-Origin-Resource-Policy', 'same-origin')
        .header('ETag', etag);
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.send(Buffer.from(logo.bytes));
    },
  );
}
