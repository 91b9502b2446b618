import type { FastifyInstance } from 'fastify';
import type { RevocationFeed } from '../../tokens/revocation-feed.ts';

/** One entry of the feed, as the feed service hands it out. */
type Revocation = Awaited<ReturnType<RevocationFeed['since']>>[number];

const HEARTBEAT_MS = 15_000;

function wire(r: Revocation) {
  return { seq: r.seq, kind: r.kind, hash: r.hash, exp: Math.floor(r.expiresAt.getTime() / 1000) };
}

function parseSeq(value: unknown): number | undefined {
  if (value === undefined || value === '') return 0;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

/**
 * GET /oauth2/revocations: the feed @gatehouse/resource-server follows so that a revoked
 * grant, app, refresh family or token stops working at every API within about a second,
 * without a call per request. JSON pages for catch-up and polling; with
 * `Accept: text/event-stream`, a server-sent-event stream that resumes from `Last-Event-ID`.
 * Entries are hashes (see tokens/revocation-keys.ts), so no credential is needed.
 */
export function revocationFeedRoutes(app: FastifyInstance, opts: { feed: RevocationFeed }): void {
  // Open streams end when the server starts closing (preClose: onClose runs only after the
  // listener has closed, which waits on these very connections).
  const streams = new Set<{ end(): void }>();
  app.addHook('preClose', async () => {
    for (const s of streams) s.end();
  });

  // Serves JSON or an event stream, so it opts out of the JSON-only 406 check.
  app.get('/oauth2/revocations', { config: { jsonOnly: false } }, async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const lastEventId = request.headers['last-event-id'];
    const after = parseSeq(typeof lastEventId === 'string' ? lastEventId : q.after);
    const limit = q.limit === undefined ? 1000 : Number(q.limit);
    if (after === undefined || !Number.isInteger(limit) || limit < 1 || limit > 5000) {
      reply.code(400);
      return {
        error: 'invalid_request',
        error_description: '"after" must be a sequence number and "limit" 1 to 5000',
      };
    }
    const streaming = (request.headers.accept ?? '').includes('text/event-stream');
    if (!streaming) {
      const entries = await opts.feed.since(after, limit);
      reply.header('Cache-Control', 'no-store');
      return {
        revocations: entries.map(wire),
        next_after: entries.at(-1)?.seq ?? after,
        has_more: entries.length === limit,
      };
    }

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
      'x-accel-buffering': 'no',
    });
    // A cursor beyond the head (another deployment's, or forged) restarts from the head.
    let sent = Math.min(after, opts.feed.head);
    // The event id is the highest seq sent, so that Last-Event-ID resumes after it even when
    // a late entry (committed below entries already read: see RevocationFeed) comes last.
    const send = (entries: Revocation[]) => {
      for (const e of entries) {
        sent = Math.max(sent, e.seq);
        res.write(`id: ${sent}\nevent: revocation\ndata: ${JSON.stringify(wire(e))}\n\n`);
      }
    };
    // Subscribe first, then catch up, so nothing written in between is missed.
    const buffered: Revocation[][] = [];
    let live = false;
    const unsubscribe = opts.feed.subscribe((entries) => (live ? send(entries) : buffered.push(entries)));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    streams.add(res);
    const close = () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    };
    res.on('close', close);
    try {
      for (;;) {
        const page = await opts.feed.since(sent, 1000);
        send(page);
        if (page.length < 1000) break;
      }
      // The feed pushes each entry once, when this node first reads it: a buffered entry is
      // new, late (below `sent`), or one the catch-up read as well (sent twice, harmless).
      for (const b of buffered) send(b);
      live = true;
      res.write(`event: ready\ndata: ${JSON.stringify({ after: sent })}\n\n`);
    } catch (err) {
      request.log.warn({ err }, 'revocation stream catch-up failed');
      close();
      res.end();
    }
  });
}
