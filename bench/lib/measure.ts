import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runLoad } from './load.ts';
import type {
  BenchOptions,
  InProcessResult,
  LoadResult,
  LoadSpec,
  Measurement,
  RunningTarget,
} from './types.ts';

/**
 * One scenario on one target: a warm-up run (discarded), then the measured run, then the
 * server's memory. Single-use loads (codes, refresh tokens) send each credential once.
 */
export async function measureHttp(
  scenario: string,
  target: RunningTarget,
  spec: LoadSpec,
  opts: BenchOptions,
  log: (msg: string) => void,
  extra: { overallRate?: number; pacedRate?: number; warmup?: number } = {},
): Promise<Measurement> {
  const base = { url: target.url, spec, connections: opts.connections, duration: opts.duration };
  const warmup = extra.warmup ?? opts.warmup;
  let result: LoadResult;
  let cpuBefore = target.cpuSeconds();
  /** Answers the CPU time was spent on. */
  let answered: number | undefined;
  if (spec.singleUse) {
    result = await runLoad({ ...base, amount: spec.variants?.length ?? 0 });
  } else if (extra.pacedRate !== undefined) {
    // The paced load warms up inside its own run (same process, sockets and rate), and the
    // CPU per request covers the whole run, warm-up included.
    result = await runLoad({ ...base, pacedRate: extra.pacedRate, pacedWarmup: warmup });
    answered = Math.round(extra.pacedRate * warmup) + result.total;
  } else {
    if (warmup > 0) await runLoad({ ...base, duration: warmup });
    cpuBefore = target.cpuSeconds();
    result = await runLoad({
      ...base,
      ...(extra.overallRate !== undefined ? { overallRate: extra.overallRate } : {}),
    });
  }
  const cpu = target.cpuSeconds() - cpuBefore;
  answered ??= result.total;
  const cpuUsPerReq = answered > 0 && cpu > 0 ? (cpu * 1e6) / answered : undefined;
  const mem = target.memory();
  const variant =
    extra.pacedRate !== undefined
      ? 'half rate, paced'
      : extra.overallRate !== undefined
        ? 'half rate, autocannon'
        : undefined;
  log(
    `${scenario} on ${target.name}${variant ? ` (${variant})` : ''}: ${Math.round(result.reqPerSec)} req/s, p99 ${result.p99Ms} ms, ${result.errors} errors, RSS ${mem.rssMb.toFixed(0)} MB${cpuUsPerReq ? `, ${cpuUsPerReq.toFixed(0)} µs CPU/req` : ''}`,
  );
  return {
    scenario,
    target: target.name,
    ...result,
    ...mem,
    ...(cpuUsPerReq !== undefined ? { cpuUsPerReq } : {}),
    ...(variant ? { variant } : {}),
  };
}

const VERIFY_WORKER = fileURLToPath(new URL('./verify-worker.ts', import.meta.url));

/** A verification scenario in its own process: warm-up, then measured ops per second. */
export function measureInProcess(
  scenario: string,
  verifier: string,
  opts: BenchOptions,
): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = fork(VERIFY_WORKER, {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (m: { result?: InProcessResult; error?: string }) => {
      if (!m.result) return reject(new Error(`${scenario} failed: ${m.error}`));
      resolve({ scenario, target: 'in-process', ...m.result, rssMb: 0, peakRssMb: 0 });
    });
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`${scenario} worker exited with ${code}`));
    });
    // Shorter than the HTTP runs: a tight loop settles in a few seconds.
    child.send({ verifier, warmup: Math.min(3, opts.warmup), duration: Math.min(5, opts.duration) });
  });
}
