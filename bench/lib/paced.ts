import { connect, type Socket } from 'node:net';
import type { LoadResult, LoadSpec } from './types.ts';

/**
 * An open-loop load at a fixed arrival rate, evenly spaced, over `connections` keep-alive
 * sockets; latency is measured from each request's scheduled time, so a stall counts
 * against the server (no coordinated omission). Used for "p99 at half of peak": autocannon's
 * overallRate sends each second's quota in a burst at the start of the second (every
 * connection at once) and then idles, so its p99 is the full-load p99.
 *
 * The first `warmupSeconds` run at the same rate on the same sockets and are not counted (as
 * wrk2's calibration period): a fresh generator process runs cold code for its first few hundred
 * milliseconds, falls behind, and the backlog it builds (100 ms and more) is its own, not the
 * server's.
 *
 * It writes pre-built HTTP/1.1 requests on raw sockets and reads only the status line,
 * Content-Length (or a chunked body's end) of each answer: node:http's client spent more CPU
 * per request than some of the servers it measured, on the same two cores, and its own
 * pauses landed in the tail it was there to measure.
 */
export async function pacedLoad(
  url: string,
  spec: LoadSpec,
  opts: { rate: number; seconds: number; connections: number; warmupSeconds?: number },
): Promise<LoadResult> {
  const target = new URL(spec.path, url);
  const requests = buildRequests(target, spec);
  const warmups = Math.round(opts.rate * (opts.warmupSeconds ?? 0));
  const measured = Math.round(opts.rate * opts.seconds);
  const total = warmups + measured;
  const interval = 1000 / opts.rate;
  /** Latencies of the measured requests, in completion order. */
  const latencies = new Float64Array(measured);
  let counted = 0;
  let done = 0;
  let errors = 0;
  /** Requests are due from `start`; those due before `measureFrom` are the warm-up. */
  let start = 0;
  let measureFrom = 0;
  let sent = 0;
  /** Scheduled times of requests waiting for a free socket, oldest first. */
  const queue: number[] = [];
  let queueHead = 0;
  const idle: Conn[] = [];
  let finish: () => void = () => {};
  const finished = new Promise<void>((r) => {
    finish = r;
  });

  interface Conn {
    socket: Socket;
    /** When the request in flight was due; 0 when idle. */
    scheduled: number;
    buf: Buffer;
  }
  let alive = opts.connections;

  const record = (scheduled: number, ok: boolean) => {
    done++;
    if (scheduled < measureFrom) return;
    latencies[counted++] = performance.now() - scheduled;
    if (!ok) errors++;
  };

  const complete = (c: Conn, ok: boolean) => {
    record(c.scheduled, ok);
    c.scheduled = 0;
    if (done === total) return finish();
    if (queueHead < queue.length) send(c, queue[queueHead++]!);
    else idle.push(c);
  };

  /** A socket closed under us: its request failed and it leaves the pool. */
  const lost = (c: Conn) => {
    alive--;
    const at = idle.indexOf(c);
    if (at >= 0) idle.splice(at, 1);
    if (c.scheduled > 0) record(c.scheduled, false);
    c.scheduled = 0;
    if (alive === 0) {
      // Nothing left to send on: whatever is still due fails now.
      while (counted < measured) {
        latencies[counted++] = 0;
        errors++;
      }
      done = total;
    }
    if (done === total) finish();
  };

  const send = (c: Conn, scheduled: number) => {
    c.scheduled = scheduled;
    c.socket.write(requests[sent++ % requests.length]!);
  };

  const open = () =>
    new Promise<Conn>((resolve, reject) => {
      const socket = connect({ host: target.hostname, port: Number(target.port), noDelay: true });
      const c: Conn = { socket, scheduled: 0, buf: Buffer.alloc(0) };
      socket.once('connect', () => resolve(c));
      socket.once('error', reject);
      socket.on('data', (chunk: Buffer) => {
        c.buf = c.buf.length === 0 ? chunk : Buffer.concat([c.buf, chunk]);
        const parsed = parseResponse(c.buf);
        if (parsed === undefined) return;
        c.buf = c.buf.subarray(parsed.length);
        complete(c, parsed.status < 300);
      });
    });

  const conns = await Promise.all(Array.from({ length: opts.connections }, open));
  for (const c of conns) {
    c.socket.removeAllListeners('error');
    // A socket that dies mid-run fails its request and leaves the pool.
    c.socket.on('error', () => {});
    c.socket.on('close', () => {
      if (done < total) lost(c);
    });
    idle.push(c);
  }

  start = performance.now();
  measureFrom = start + warmups * interval;
  let scheduledCount = 0;
  const tick = () => {
    const now = performance.now();
    while (scheduledCount < total && start + scheduledCount * interval <= now) {
      const at = start + scheduledCount * interval;
      scheduledCount++;
      const c = idle.pop();
      if (c) send(c, at);
      else queue.push(at);
    }
    if (scheduledCount < total) setTimeout(tick, 1);
  };
  tick();
  await finished;
  const seconds = (performance.now() - measureFrom) / 1000;
  for (const c of conns) c.socket.destroy();
  const sorted = latencies.subarray(0, counted).sort();
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return { reqPerSec: counted / seconds, p50Ms: q(0.5), p99Ms: q(0.99), errors, total: counted, seconds };
}

/** One request's bytes per variant (or just the one request). */
function buildRequests(target: URL, spec: LoadSpec): Buffer[] {
  const variants = spec.variants?.length ? spec.variants : [{}];
  return variants.map((v) => {
    const body = Buffer.from(v.body ?? spec.body ?? '', 'utf8');
    const headers: Record<string, string> = { host: target.host, ...spec.headers, ...v.headers };
    const lines = [`${spec.method} ${target.pathname}${target.search} HTTP/1.1`];
    for (const [k, value] of Object.entries(headers)) lines.push(`${k}: ${value}`);
    if (spec.method !== 'GET' || body.length > 0) lines.push(`content-length: ${body.length}`);
    return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
  });
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('\r\n0\r\n\r\n');

/** The status and byte length of the first complete response in `buf`, if there is one. */
export function parseResponse(buf: Buffer): { status: number; length: number } | undefined {
  const headEnd = buf.indexOf(HEADER_END);
  if (headEnd < 0) return undefined;
  const head = buf.toString('latin1', 0, headEnd);
  const status = Number(head.slice(9, 12));
  const lengthMatch = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  const bodyStart = headEnd + HEADER_END.length;
  if (lengthMatch) {
    const end = bodyStart + Number(lengthMatch[1]);
    return buf.length >= end ? { status, length: end } : undefined;
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    // Enough for the small JSON answers measured here: the body ends at the zero-size chunk.
    const end = buf.indexOf(CHUNKED_END, bodyStart - 2);
    return end < 0 ? undefined : { status, length: end + CHUNKED_END.length };
  }
  return { status, length: bodyStart };
}
