import { type ChildProcess, spawn } from 'node:child_process';

const root = new URL('../..', import.meta.url).pathname;

export interface StartedProcess {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr. */
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Variables a caller's own environment must not leak into `npm start`'s. */
const ISOLATE = ['GATEHOUSE_ISSUER', 'GATEHOUSE_AUDIENCE', 'GATEHOUSE_SECRET', 'DATABASE_URL', 'HOST'];

/** Runs `npm start`'s own command (scripts/start.ts) with `env` on top of a cleaned environment. */
export function startProcess(env: NodeJS.ProcessEnv): StartedProcess {
  const full: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ISOLATE) delete full[name];
  Object.assign(full, env);
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    env: full,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exit };
}

/** Resolves with the output once the start banner is complete; rejects if the process exits first. */
export function banner(s: StartedProcess, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start did not finish its banner:\n${s.output()}`)),
      timeoutMs,
    );
    const check = () => {
      if (s.output().includes('Press Ctrl+C to stop.')) {
        clearTimeout(timer);
        s.child.stdout?.off('data', check);
        resolve(s.output());
      }
    };
    s.child.stdout?.on('data', check);
    void s.exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`npm start exited early:\n${s.output()}`));
    });
    check();
  });
}
