import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** The `gatehouse` command, as installed (bin/gatehouse.cjs). */
export const GATEHOUSE_BIN = new URL('../bin/gatehouse.cjs', import.meta.url).pathname;

/** A free TCP port on 127.0.0.1, for a server started as its own process. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export interface BinProcess {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
}

/** Runs `gatehouse <args>` with `env` on top of this process's environment. */
export function runBin(args: string[], env: Record<string, string | undefined>): BinProcess {
  const child = spawn(process.execPath, [GATEHOUSE_BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}
