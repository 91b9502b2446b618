import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeMachine, type Machine } from './machine.ts';
import { type Check, checksTable, databases, skipsList, table } from './report.ts';
import type { BenchOptions, Measurement, Skip } from './types.ts';

const DOC = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
const START = '<!-- bench:latest:start -->';
const END = '<!-- bench:latest:end -->';
const HISTORY = '<!-- bench:history:next -->';

export interface RunRecord {
  date: string;
  command: string;
  machine: Machine;
  options: BenchOptions;
  measurements: Measurement[];
  skips: Skip[];
  checks: Check[];
  seconds: number;
}

/**
 * Replaces the "latest run" section of docs/benchmarks.md with this run and adds a line
 * to its history table. The rest of the page (what mattered, profiles) is prose we keep.
 */
export function recordInDocs(run: RunRecord): void {
  if (!existsSync(DOC)) throw new Error('docs/benchmarks.md is missing');
  const doc = readFileSync(DOC, 'utf8');
  const s = doc.indexOf(START);
  const e = doc.indexOf(END);
  if (s < 0 || e < s || !doc.includes(HISTORY)) throw new Error('docs/benchmarks.md lost its bench markers');
  const latest = [
    START,
    '',
    `Recorded ${run.date.slice(0, 16).replace('T', ' ')} UTC on ${describeMachine(run.machine)};`,
    `\`${run.command}\` (db=${databases(run.options, run.measurements)}, runtime=${run.options.runtime}, ${run.options.connections} connections, ${run.options.warmup} s warm-up, then ${run.options.duration} s measured in ${run.options.rounds ?? 1} rounds taken in turns; ${run.seconds} s in all).`,
    '',
    table(run.measurements),
    '',
    checksTable(run.checks),
    '',
    ...(run.skips.length > 0 ? ['Skipped:', '', skipsList(run.skips), ''] : []),
    END,
  ].join('\n');
  const cc = (t: string) =>
    run.measurements.find(
      (m) => m.scenario === 'client_credentials_jwt' && m.target === t && m.variant === undefined,
    );
  const gh = cc('gatehouse');
  const fmt = (m: Measurement | undefined) => (m ? Math.round(m.reqPerSec).toLocaleString('en-US') : 'n/a');
  const passed = run.checks.filter((c) => c.status === 'pass').length;
  const measured = run.checks.filter((c) => c.status !== 'n/a').length;
  const row = `| ${run.date.slice(0, 10)} | ${run.machine.nproc} vCPU ${run.machine.cpu}, Node ${run.machine.node} | ${databases(run.options, run.measurements)} | ${fmt(gh)} | ${fmt(cc('oidc-provider'))} | ${fmt(cc('bare-limit'))} | ${passed}/${measured} |`;
  const next = doc.slice(0, s) + latest + doc.slice(e + END.length);
  writeFileSync(DOC, next.replace(HISTORY, `${row}\n${HISTORY}`));
}
