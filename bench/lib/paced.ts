import { Agent, request } from 'node:http';
import type { LoadResult, LoadSpec } from './types.ts';

/**
 * An open-loop load at a fixed arrival rate, evenly spaced, over `connections` keep-alive
 * sockets; latency is measured from each request's scheduled time, so a stall counts
 * against the server (no coordinated omission). Used for "p99 at half of peak": autocannon's
 * overallRate sends each second's quota in a burst at the start of the second (every
 * connection at once) and then idles, so its p99 is the full-load p99.
 */
export async function pacedLoad(
  url: string,
  spec: LoadSpec,
  opts: { rate: number; seconds: number; connections: number },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
  const target = new URL(spec.path, url);
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const total = Math.round(opts.rate * opts.seconds);
  const interval = 1000 / opts.rate;
  const start = performance.now();
  const inflight: Promise<void>[] = [];

  const fire = (scheduled: number) =>
    new Promise<void>((resolve) => {
      const v = spec.variants?.[sent % spec.variants.length];
      const body = v?.body ?? spec.body;
      const req = request(
        target,
        { method: spec.method, agent, headers: { ...spec.headers, ...v?.headers } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if ((res.statusCode ?? 0) >= 300) errors++;
            latencies.push(performance.now() - scheduled);
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });

  while (sent < total) {
    const now = performance.now();
    while (sent < total && start + sent * interval <= now) {
      inflight.push(fire(start + sent * interval));
      sent++;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inflight);
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return {
    reqPerSec: latencies.length / seconds,
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    errors,
    total: sent,
    seconds,
  };
}
