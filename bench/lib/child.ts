import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import type { RunningTarget, TargetName } from './types.ts';

/** A free TCP port on 127.0.0.1 (the server needs it up front: it is part of the issuer). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** VmRSS and VmHWM of a process, in MB (Linux). */
export function processMemory(pid: number): { rssMb: number; peakRssMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
  } catch {
    return { rssMb: 0, peakRssMb: 0 };
  }
}

/**
 * Starts the process's peak RSS (VmHWM) afresh, from its current RSS (Linux: `5` to
 * /proc/<pid>/clear_refs; nothing elsewhere). Called once a server is ready, so that its peak is
 * the peak while serving the benchmark, not its start-up's: the harness creates the bench user
 * before the server announces itself, and that one scrypt hash (N=2^17, r=8) takes 128 MiB
 * for a moment, which was most of every Gatehouse target's recorded peak.
 */
export function resetPeakRss(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not Linux, or not allowed: the peak then counts from the process's start.
  }
}

/**
 * CPU seconds a process has used so far, user + system, over all its threads (the libuv
 * pool that signs included), from /proc/<pid>/stat (Linux; 0 elsewhere).
 */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which sits in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/**
 * A process and its descendants (a cluster's primary and workers), from
 * /proc/<pid>/task/<tid>/children (Linux; the process alone elsewhere).
 */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const p = out[i]!;
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const kids = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim();
        if (kids) out.push(...kids.split(/\s+/).map(Number));
      } catch {
        // The thread or the process ended meanwhile.
      }
    }
  }
  return out;
}

/** {@link processMemory} summed over a process and its descendants. */
export function treeMemory(pid: number): { rssMb: number; peakRssMb: number } {
  let rssMb = 0;
  let peakRssMb = 0;
  for (const p of processTree(pid)) {
    const m = processMemory(p);
    rssMb += m.rssMb;
    peakRssMb += m.peakRssMb;
  }
  return { rssMb, peakRssMb };
}

/** {@link processCpuSeconds} summed over a process and its live descendants. */
export function treeCpuSeconds(pid: number): number {
  let sum = 0;
  for (const p of processTree(pid)) sum += processCpuSeconds(p);
  return sum;
}

/** USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK) is not reachable from Node). */
const CLOCK_TICKS = 100;

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** Every server process started and not yet stopped. */
const live = new Set<ChildProcess>();
let reaping = false;

/**
 * Makes the servers die with the harness. `finally` blocks do not run when the harness is
 * interrupted (Ctrl-C, a CI timeout), and the servers would go on running, each holding a
 * port and a share of the two cores for whatever runs next. So a signal ends the harness
 * through process.exit, and its exit handler kills every server still up.
 */
function reapOnExit(): void {
  if (reaping) return;
  reaping = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)
    process.once(signal, () => process.exit(code));
}

/**
 * Starts a server process that prints one JSON line `{"ready":true,"url":...}` on stdout
 * once it listens, and stops it with SIGTERM (each bench server exits cleanly on it, which
 * also lets --cpu-prof write its profile).
 */
export async function startChild(
  name: TargetName,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<RunningTarget> {
  reapOnExit();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let stderr = '';
  let onEarlyExit: ((code: number | null) => void) | undefined;
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const starting = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (!line.startsWith('{"ready":true')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as Record<string, unknown>);
    });
    onEarlyExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready:\n${stderr}`));
    };
    child.once('exit', onEarlyExit);
  });
  let ready: Record<string, unknown>;
  try {
    ready = await starting;
  } catch (err) {
    // One that never announced itself (or took too long) is not left running.
    child.kill('SIGKILL');
    throw err;
  }
  if (process.env.BENCH_CHILD_STDOUT)
    child.stdout!.pipe((await import('node:fs')).createWriteStream(process.env.BENCH_CHILD_STDOUT));
  else child.stdout!.resume();
  if (onEarlyExit) child.off('exit', onEarlyExit);
  const pid = child.pid!;
  // A server of several processes (a cluster) is measured as a whole: CPU and memory of the
  // process and its descendants.
  for (const p of processTree(pid)) resetPeakRss(p);
  return {
    name,
    url: String(ready.url),
    pid,
    info: ready,
    memory: () => treeMemory(pid),
    cpuSeconds: () => treeCpuSeconds(pid),
    async stop() {
      child.kill('SIGTERM');
      if (!(await waitExit(child, 10_000))) {
        child.kill('SIGKILL');
        await waitExit(child, 5_000);
      }
    },
  };
}

/** Announces readiness to the harness (used by the bench servers). */
export function announceReady(info: { url: string } & Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ ready: true, ...info })}\n`);
}

/** Runs `close` then exits on SIGTERM/SIGINT, so profiles and databases are flushed. */
export function exitOnSignal(close: () => Promise<void>): void {
  const stop = () => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
