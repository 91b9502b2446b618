import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  nproc: number;
  cpu: string;
  memoryGb: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started and ended: other work on the box skews every figure. */
  loadAvg: { start: number; end: number };
}

const loadAtStart = loadavg()[0] ?? 0;

/** What the figures depend on: cores, CPU model (from /proc/cpuinfo), memory, Node. */
export function machine(): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {}
  return {
    nproc: cpus().length,
    cpu,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAvg: { start: Math.round(loadAtStart * 100) / 100, end: Math.round((loadavg()[0] ?? 0) * 100) / 100 },
  };
}

export const describeMachine = (m: Machine) =>
  `${m.nproc} vCPU (${m.cpu}), ${m.memoryGb} GB, Node ${m.node}, ${m.platform}, load average ${m.loadAvg.start} at start, ${m.loadAvg.end} at end`;
