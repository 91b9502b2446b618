/**
 * `npm run bench`: starts every server on 127.0.0.1 as its own process (Gatehouse built as in
 * production, the same on PostgreSQL, node-oidc-provider 9, the bare limit, Gatehouse on a 100k-app database), drives
 * each scenario on them in turns with the same autocannon load from a separate process, then
 * runs the in-process verification scenarios, and prints one table. Results go to bench/results/latest.json; with
 * --record, also into docs/benchmarks.md. See docs/benchmarks.md for what each figure means.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseOptions } from './lib/args.ts';
import { runLoad, sameGeneratorPath } from './lib/load.ts';
import { describeMachine, machine } from './lib/machine.ts';
import { measureHttp, measureInProcess } from './lib/measure.ts';
import { recordInDocs } from './lib/record.ts';
import { checks, checksTable, databases, SCALE_BASELINE, skipsList, table } from './lib/report.ts';
import type {
  BenchOptions,
  LoadSpec,
  Measurement,
  RunningTarget,
  ScenarioContext,
  Skip,
  TargetName,
} from './lib/types.ts';
import { SCENARIOS } from './scenarios/index.ts';
import { HTTP_TARGETS, type TargetStarter } from './targets/index.ts';
import { startScaleTarget } from './targets/scale.ts';

// Every process the bench starts reads workspace packages from their sources, as this one
// does (`npm run bench` passes --conditions=@gatehouse/source; docs/packages.md).
if (!process.env.NODE_OPTIONS?.includes('--conditions=@gatehouse/source'))
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --conditions=@gatehouse/source`.trim();

const options = parseOptions(process.argv.slice(2));
/**
 * Latency at half of peak: paced runs taken in turns like the peaks, each with its own warm-up
 * at the same rate that is not counted (bench/lib/paced.ts), and each target keeps its median
 * p99.
 */
const PACED = { rounds: 3, seconds: 5, warmupSeconds: 2 };
const unknown = options.only.filter((o) => !SCENARIOS.some((s) => s.name === o));
if (unknown.length > 0)
  throw new Error(
    `unknown scenario ${unknown.join(', ')} (known: ${SCENARIOS.map((s) => s.name).join(', ')})`,
  );
const selected = SCENARIOS.filter((s) => options.only.length === 0 || options.only.includes(s.name));
const measurements: Measurement[] = [];
const skips: Skip[] = [];
const started = Date.now();
const log = (msg: string) =>
  console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${msg}`);

async function fetchMetadata(url: string): Promise<Record<string, unknown> | undefined> {
  for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
    const res = await fetch(`${url}${path}`).catch(() => undefined);
    if (res?.status === 200) return (await res.json()) as Record<string, unknown>;
  }
  return undefined;
}

/** A scenario's load on one target, ready to run. */
interface Participant {
  /** Recorded under this scenario name (a baseline runs another scenario's load). */
  scenario: string;
  target: RunningTarget;
  spec: LoadSpec;
  variant?: string;
}

/** The round whose `figure` is the median (its other figures come along), and every round's. */
function median(rounds: Measurement[], figure: (m: Measurement) => number): Measurement {
  const sorted = [...rounds].sort((a, b) => figure(a) - figure(b));
  return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, roundFigures: rounds.map(figure) };
}

/**
 * Repeatable loads: every participant is warmed up, then they take turns for
 * `options.rounds` short rounds (the order rotating), and each keeps its median round. A ratio
 * then compares servers measured within seconds of each other, not minutes apart: on a shared
 * box the speed of the machine drifts by more than the differences being measured.
 */
async function measureInRounds(parts: Participant[], opts: BenchOptions): Promise<Measurement[]> {
  for (const p of parts)
    if (opts.warmup > 0)
      await runLoad({
        url: p.target.url,
        spec: p.spec,
        connections: opts.connections,
        duration: opts.warmup,
      });
  await settleDatabases();
  const seconds = Math.max(1, Math.round(opts.duration / opts.rounds));
  const rounds = parts.map(() => [] as Measurement[]);
  for (let r = 0; r < opts.rounds; r++)
    for (let k = 0; k < parts.length; k++) {
      const i = (k + r) % parts.length;
      const p = parts[i]!;
      await settleDatabases();
      rounds[i]!.push(
        await measureHttp(p.scenario, p.target, p.spec, { ...opts, duration: seconds }, log, { warmup: 0 }),
      );
    }
  return parts.map((p, i) => ({
    ...median(rounds[i]!, (m) => m.reqPerSec),
    ...(p.variant ? { variant: p.variant } : {}),
    rounds: opts.rounds,
  }));
}

/**
 * p99 at a fixed, evenly paced rate (half of each target's peak), in rounds taken in turns as
 * the peaks are: a few seconds of this shared box running slow land in one round of each
 * target rather than in the whole of one target's run, and each keeps its median round.
 */
async function measurePacedInRounds(
  parts: { p: Participant; rate: number }[],
  opts: BenchOptions,
): Promise<Measurement[]> {
  const rounds = parts.map(() => [] as Measurement[]);
  for (let r = 0; r < PACED.rounds; r++)
    for (let k = 0; k < parts.length; k++) {
      const i = (k + r) % parts.length;
      const { p, rate } = parts[i]!;
      rounds[i]!.push(
        await measureHttp(p.scenario, p.target, p.spec, { ...opts, duration: PACED.seconds }, log, {
          pacedRate: rate,
          warmup: PACED.warmupSeconds,
        }),
      );
    }
  return parts.map((_, i) => ({ ...median(rounds[i]!, (m) => m.p99Ms), rounds: PACED.rounds }));
}

// Every HTTP target a selected scenario needs is started first and stays up for the whole
// run (idle servers cost next to nothing), so that scenarios can alternate between them.
const wanted = (name: TargetName): boolean =>
  (options.targets.length === 0 || options.targets.includes(name)) &&
  selected.some(
    (s) =>
      s.kind === 'http' &&
      (s.targets.includes(name) || (s.baseline?.target === name && wanted(s.targets[0]!))),
  );
const starters: TargetStarter[] = [
  ...HTTP_TARGETS,
  { name: 'gatehouse-scale', start: (o) => startScaleTarget(o, log) },
];
/** A target that cannot run here: a skip for each selected scenario it was to take part in. */
function skipTarget(name: TargetName, reason: string): void {
  log(`skip ${name}: ${reason}`);
  for (const s of selected)
    if (s.kind === 'http' && s.targets.includes(name)) skips.push({ scenario: s.name, target: name, reason });
}
const contexts = new Map<TargetName, ScenarioContext>();

/**
 * Lets every target's database finish its background work (bench/lib/postgres.ts
 * settlePostgres) before a measurement: PostgreSQL runs on the same two cores, and its vacuum
 * and checkpoint after one target's writes would otherwise be paid by whichever target is
 * measured next (the SQLite rows ran up to a third slower beside gatehouse-pg without it).
 */
async function settleDatabases(): Promise<void> {
  for (const { target } of contexts.values()) await target.settle?.();
}
try {
  for (const t of starters) {
    if (!wanted(t.name)) continue;
    const reason = await t.unavailable?.(options);
    if (reason) {
      skipTarget(t.name, reason);
      continue;
    }
    log(`starting ${t.name}`);
    let target: RunningTarget;
    try {
      target = await t.start(options);
    } catch (err) {
      // An optional target (one that can be unavailable: gatehouse-pg) that fails to start is a
      // skip; the run goes on without it.
      if (!t.unavailable) throw err;
      skipTarget(t.name, `did not start: ${(err as Error).message.split('\n')[0]}`);
      continue;
    }
    contexts.set(t.name, { target, options, metadata: await fetchMetadata(target.url) });
  }
  for (const s of selected) {
    if (s.kind !== 'http') continue;
    const parts: Participant[] = [];
    for (const name of s.targets) {
      const ctx = contexts.get(name);
      if (!ctx) continue;
      const reason = await s.unsupported(ctx);
      if (reason) {
        skips.push({ scenario: s.name, target: name, reason });
        log(`skip ${s.name} on ${name}: ${reason}`);
        continue;
      }
      log(`${s.name} on ${name}: preparing`);
      parts.push({ scenario: s.name, target: ctx.target, spec: await s.prepare(ctx) });
    }
    if (parts.length === 0) continue;
    const base = s.baseline && SCENARIOS.find((b) => b.name === s.baseline!.scenario);
    const baseCtx = s.baseline && contexts.get(s.baseline.target);
    if (base?.kind === 'http' && baseCtx) {
      log(`${s.name}: ${base.name} on ${baseCtx.target.name} in the same rounds, as the baseline`);
      parts.push({
        scenario: s.name,
        target: baseCtx.target,
        spec: sameGeneratorPath(await base.prepare(baseCtx), parts[0]!.spec),
        variant: SCALE_BASELINE,
      });
    }
    // Single-use credentials (codes, refresh tokens) are spent once each: one pass per target,
    // each after the databases have caught up with what the preparation and the pass before
    // it wrote.
    let peaks: Measurement[] = [];
    if (parts.every((p) => !p.spec.singleUse)) peaks = await measureInRounds(parts, options);
    else
      for (const p of parts) {
        await settleDatabases();
        peaks.push(await measureHttp(p.scenario, p.target, p.spec, options, log));
      }
    measurements.push(...peaks);
    const half = parts.flatMap((p, i) =>
      p.variant || !s.halfRateOn?.includes(p.target.name)
        ? []
        : [{ p, rate: Math.floor(peaks[i]!.reqPerSec / 2) }],
    );
    if (half.length === 0) continue;
    log(
      `${s.name}: latency at half of peak (${half.map(({ p, rate }) => `${p.target.name} ${rate} req/s`).join(', ')})`,
    );
    measurements.push(...(await measurePacedInRounds(half, options)));
    for (const { p, rate } of half)
      measurements.push(
        await measureHttp(s.name, p.target, p.spec, options, log, { overallRate: rate, warmup: 0 }),
      );
  }
} finally {
  for (const { target } of contexts.values()) await target.stop();
}

for (const s of selected) {
  if (s.kind !== 'in-process' || (options.targets.length > 0 && !options.targets.includes('in-process')))
    continue;
  const reason = await s.unsupported();
  if (reason) {
    skips.push({ scenario: s.name, target: 'in-process', reason });
    log(`skip ${s.name}: ${reason}`);
    continue;
  }
  log(`${s.name}: measuring`);
  measurements.push(await measureInProcess(s.name, s.verifier, options));
}

const m = machine();
const result = {
  date: new Date().toISOString(),
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  machine: m,
  options,
  measurements,
  skips,
  checks: checks(measurements),
  seconds: Math.round((Date.now() - started) / 1000),
};
console.log(
  `\nGatehouse benchmark, ${describeMachine(m)}, db=${databases(options, measurements)}, runtime=${options.runtime}`,
);
console.log(
  `${options.connections} connections, ${options.warmup} s warm-up, then ${options.duration} s measured in ${options.rounds} rounds taken in turns\n`,
);
console.log(table(measurements));
console.log(`\n${checksTable(result.checks)}`);
if (skips.length > 0) console.log(`\nSkipped:\n${skipsList(skips)}`);
const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}latest.json`, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\n${result.seconds} s in all; results in bench/results/latest.json`);
if (options.record) {
  recordInDocs(result);
  console.log('recorded in docs/benchmarks.md');
}
