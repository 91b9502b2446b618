/**
 * `npm run bench`: starts each server alone on 127.0.0.1 (Gatehouse built as in production,
 * node-oidc-provider 9, the bare limit; then Gatehouse on a 100k-app database; then the
 * in-process verification runs), drives each scenario with the same autocannon load from a
 * separate process, and prints one table. Results go to bench/results/latest.json; with
 * --record, also into docs/benchmarks.md. See docs/benchmarks.md for what each figure means.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseOptions } from './lib/args.ts';
import { describeMachine, machine } from './lib/machine.ts';
import { measureHttp, measureInProcess } from './lib/measure.ts';
import { recordInDocs } from './lib/record.ts';
import { checks, checksTable, skipsList, table } from './lib/report.ts';
import type {
  BenchOptions,
  Measurement,
  RunningTarget,
  Scenario,
  ScenarioContext,
  Skip,
  TargetName,
} from './lib/types.ts';
import { SCENARIOS } from './scenarios/index.ts';
import { HTTP_TARGETS } from './targets/index.ts';
import { startScaleTarget } from './targets/scale.ts';

const options = parseOptions(process.argv.slice(2));
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

async function runOnTarget(
  name: TargetName,
  start: (o: BenchOptions) => Promise<RunningTarget>,
  opts: BenchOptions,
) {
  if (opts.targets.length > 0 && !opts.targets.includes(name)) return;
  const scenarios = selected.filter(
    (s): s is Extract<Scenario, { kind: 'http' }> => s.kind === 'http' && s.targets.includes(name),
  );
  if (scenarios.length === 0) return;
  log(`starting ${name}`);
  const target = await start(opts);
  try {
    const ctx: ScenarioContext = { target, options: opts, metadata: await fetchMetadata(target.url) };
    for (const s of scenarios) {
      const reason = await s.unsupported(ctx);
      if (reason) {
        skips.push({ scenario: s.name, target: name, reason });
        log(`skip ${s.name} on ${name}: ${reason}`);
        continue;
      }
      log(`${s.name} on ${name}: preparing`);
      const spec = await s.prepare(ctx);
      const m = await measureHttp(s.name, target, spec, opts, log);
      measurements.push(m);
      if (s.halfRateOn?.includes(name)) {
        const rate = Math.floor(m.reqPerSec / 2);
        log(`${s.name} on ${name}: latency at half of peak (${rate} req/s)`);
        measurements.push(await measureHttp(s.name, target, spec, opts, log, { pacedRate: rate, warmup: 0 }));
        measurements.push(
          await measureHttp(s.name, target, spec, opts, log, { overallRate: rate, warmup: 0 }),
        );
      }
    }
  } finally {
    await target.stop();
  }
}

for (const t of HTTP_TARGETS) await runOnTarget(t.name, t.start, options);
await runOnTarget('gatehouse-scale', (o) => startScaleTarget(o, log), options);
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
console.log(`\nGatehouse benchmark, ${describeMachine(m)}, db=${options.db}, runtime=${options.runtime}`);
console.log(
  `${options.connections} connections, ${options.warmup} s warm-up + ${options.duration} s measured per run\n`,
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
