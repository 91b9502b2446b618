import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerInput } from './load-worker.ts';
import type { LoadResult, LoadSpec } from './types.ts';

const WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

/** Runs one autocannon pass in a fresh child process and returns its figures. */
export function runLoad(input: WorkerInput): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    child.on('message', (m: { result?: LoadResult; error?: string }) => {
      settled = true;
      if (m.result) resolve(m.result);
      else reject(new Error(`load generator failed: ${m.error}`));
    });
    child.on('exit', (code) => {
      if (!settled) reject(new Error(`load generator exited with ${code} before reporting`));
    });
    child.send(input);
  });
}

/**
 * A baseline's load, generated the way the load it is compared with is. The load generator
 * builds a request per send when the load has variants (autocannon's setupRequest) and sends
 * one prebuilt buffer when it has none; the first costs it about 20 µs more per request, CPU
 * taken from the server on a shared box (8,500 against 11,500 req/s for the same server and
 * the same bytes). So a baseline for a load with variants gets one variant: the same request,
 * built per send.
 */
export function sameGeneratorPath(baseline: LoadSpec, compared: LoadSpec): LoadSpec {
  if (!compared.variants?.length || baseline.variants?.length) return baseline;
  return { ...baseline, variants: [{}] };
}
