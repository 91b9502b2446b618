import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerInput } from './load-worker.ts';
import type { LoadResult } from './types.ts';

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
