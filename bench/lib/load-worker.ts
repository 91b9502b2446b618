/**
 * The load generator's own process: runs one autocannon pass described by the parent and
 * sends back the figures. Kept apart so that the server under test and the generator
 * never share an event loop.
 */
import autocannon from 'autocannon';
import { pacedLoad } from './paced.ts';
import type { LoadResult, LoadSpec } from './types.ts';

export interface WorkerInput {
  url: string;
  spec: LoadSpec;
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  duration: number;
  /** Send exactly this many requests (single-use credentials). */
  amount?: number;
  /** autocannon's overallRate: requests per second over all connections, sent in bursts. */
  overallRate?: number;
  /** Evenly spaced requests per second instead of autocannon (bench/lib/paced.ts). */
  pacedRate?: number;
  /** Seconds of the paced load sent first and not counted (its own warm-up). */
  pacedWarmup?: number;
}

function run(input: WorkerInput): Promise<LoadResult> {
  const { spec } = input;
  const variants = spec.variants ?? [];
  let next = 0;
  const started = process.hrtime.bigint();
  // autocannon notices that `amount` is reached on its once-a-second tick, so its own end
  // time rounds the run up to whole seconds (3,000 requests in 2.1 s read as 1,000 req/s).
  // A fixed amount is timed to its last response instead.
  let lastResponse = started;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: input.url,
        connections: input.connections,
        ...(input.amount !== undefined ? { amount: input.amount } : { duration: input.duration }),
        ...(input.overallRate !== undefined
          ? // Its correction assumes 1 ms between requests (Math.ceil(1 / rate)): it would invent samples.
            { overallRate: input.overallRate, ignoreCoordinatedOmission: true }
          : {}),
        requests: [
          {
            method: spec.method,
            path: spec.path,
            headers: spec.headers,
            ...(spec.body !== undefined ? { body: spec.body } : {}),
            ...(variants.length > 0
              ? {
                  setupRequest: (req: autocannon.Request) => {
                    const v = variants[next++ % variants.length]!;
                    return {
                      ...req,
                      ...(v.body !== undefined ? { body: v.body } : {}),
                      headers: { ...req.headers, ...v.headers },
                    };
                  },
                }
              : {}),
          },
        ],
      },
      (err, r) => {
        if (err) return reject(err);
        const seconds = Number(lastResponse - started) / 1e9;
        resolve({
          // With a fixed amount the per-second samples are too few: divide instead.
          reqPerSec: input.amount !== undefined ? r.requests.total / seconds : r.requests.average,
          p50Ms: r.latency.p50,
          p99Ms: r.latency.p99,
          errors: r.errors + r.timeouts + r.non2xx,
          total: r.requests.total,
          seconds: input.amount !== undefined ? seconds : r.duration,
        });
      },
    );
    if (input.amount !== undefined)
      instance.on('response', () => {
        lastResponse = process.hrtime.bigint();
      });
  });
}

process.once('message', (input: WorkerInput) => {
  const job =
    input.pacedRate !== undefined
      ? pacedLoad(input.url, input.spec, {
          rate: input.pacedRate,
          seconds: input.duration,
          connections: input.connections,
          warmupSeconds: input.pacedWarmup ?? 0,
        })
      : run(input);
  job.then(
    (result) => process.send!({ result }, () => process.exit(0)),
    (err: unknown) => process.send!({ error: String(err) }, () => process.exit(1)),
  );
});
