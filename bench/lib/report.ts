import type { BenchOptions, Measurement, Skip, TargetName } from './types.ts';

export interface Check {
  target: string;
  value: string;
  status: 'pass' | 'FAIL' | 'n/a';
}

/** The variant name of the small-database run measured in the scale scenario's rounds. */
export const SCALE_BASELINE = 'small database, same rounds';

const find = (ms: Measurement[], scenario: string, target: string, variant?: string) =>
  ms.find((m) => m.scenario === scenario && m.target === target && m.variant === variant);

const ratio = (a: Measurement | undefined, b: Measurement | undefined) =>
  a && b && b.reqPerSec > 0 ? a.reqPerSec / b.reqPerSec : undefined;

/** An SDK verification row over jose.jwtVerify: its paired baseline when it has one. */
const overJose = (m: Measurement | undefined, jose: Measurement | undefined) =>
  m?.pairedBaseline && m.pairedBaseline.reqPerSec > 0
    ? m.reqPerSec / m.pairedBaseline.reqPerSec
    : ratio(m, jose);

function check(
  name: string,
  value: number | undefined,
  ok: (v: number) => boolean,
  fmt: (v: number) => string,
): Check {
  if (value === undefined) return { target: name, value: 'not measured', status: 'n/a' };
  return { target: name, value: fmt(value), status: ok(value) ? 'pass' : 'FAIL' };
}

const x = (v: number) => `${v.toFixed(2)}x`;

/** The targets, judged on one run's figures. */
export function checks(ms: Measurement[]): Check[] {
  const gh = (s: string) => find(ms, s, 'gatehouse');
  const oidc = (s: string) => find(ms, s, 'oidc-provider');
  const half = find(ms, 'client_credentials_jwt', 'gatehouse', 'half rate, paced');
  const scale = find(ms, 'scale_client_credentials', 'gatehouse-scale');
  // The small database measured in the same rounds as the large one, when it was.
  const small =
    find(ms, 'scale_client_credentials', 'gatehouse', SCALE_BASELINE) ?? gh('client_credentials_jwt');
  const jose = find(ms, 'verify_jose', 'in-process');
  return [
    check(
      'client_credentials JWT >= 3x node-oidc-provider',
      ratio(gh('client_credentials_jwt'), oidc('client_credentials_jwt')),
      (v) => v >= 3,
      x,
    ),
    check(
      'client_credentials JWT, --workers (one per core), >= 3x node-oidc-provider',
      ratio(find(ms, 'client_credentials_jwt', 'gatehouse-workers'), oidc('client_credentials_jwt')),
      (v) => v >= 3,
      x,
    ),
    check(
      'client_credentials JWT >= 0.75x bare limit',
      ratio(gh('client_credentials_jwt'), find(ms, 'client_credentials_jwt', 'bare-limit')),
      (v) => v >= 0.75,
      x,
    ),
    check(
      'introspection ahead of node-oidc-provider',
      ratio(gh('introspection'), oidc('introspection')),
      (v) => v > 1,
      x,
    ),
    check(
      'refresh_token ahead of node-oidc-provider',
      ratio(gh('refresh_token'), oidc('refresh_token')),
      (v) => v > 1,
      x,
    ),
    check(
      'resource-server cached >= 20x jose.jwtVerify',
      overJose(find(ms, 'verify_resource_server_cached', 'in-process'), jose),
      (v) => v >= 20,
      x,
    ),
    check(
      'resource-server uncached >= 0.9x jose.jwtVerify',
      overJose(find(ms, 'verify_resource_server_uncached', 'in-process'), jose),
      (v) => v >= 0.9,
      x,
    ),
    check(
      'p99 < 10 ms at half of peak, evenly paced (client_credentials)',
      half?.p99Ms,
      (v) => v < 10,
      (v) => `${v.toFixed(1)} ms`,
    ),
    check('100k apps/1M grants within 10% of small DB', ratio(scale, small), (v) => v >= 0.9, x),
    check(
      '100k apps/1M grants RSS < 300 MB',
      scale?.peakRssMb,
      (v) => v < 300,
      (v) => `${v.toFixed(0)} MB`,
    ),
    // The same build on PostgreSQL (the gatehouse-pg target), against the same peer in the
    // same rounds.
    ...PG_CHECKS.map(([scenario, label]) =>
      check(
        `${label} on PostgreSQL ahead of node-oidc-provider`,
        ratio(find(ms, scenario, 'gatehouse-pg'), oidc(scenario)),
        (v) => v > 1,
        x,
      ),
    ),
  ];
}

/** The scenarios gatehouse-pg is judged on, with their names in the checks. */
const PG_CHECKS: [scenario: string, label: string][] = [
  ['client_credentials_jwt', 'client_credentials JWT'],
  ['client_credentials_opaque', 'client_credentials opaque'],
  ['authorization_code', 'authorization_code'],
  ['refresh_token', 'refresh_token'],
  ['introspection', 'introspection'],
];

/** Gatehouse's own targets: their rows carry the GH/peer and GH/limit ratios. */
const GATEHOUSE: TargetName[] = ['gatehouse', 'gatehouse-pg', 'gatehouse-workers'];

/**
 * The databases a run measured Gatehouse on: `sqlite+postgres` when the gatehouse-pg target ran
 * beside the SQLite one.
 */
export function databases(options: Pick<BenchOptions, 'db'>, ms: Measurement[]): string {
  if (options.db === 'sqlite' && ms.some((m) => m.target === 'gatehouse-pg')) return 'sqlite+postgres';
  return options.db;
}

/** Gatehouse's figure (on either database) over the same scenario's peer and bare-limit figures. */
function ratios(m: Measurement, ms: Measurement[]): { peer: string; limit: string } {
  const fmt = (v: number | undefined) => (v === undefined ? '' : x(v));
  if (m.variant !== undefined) return { peer: '', limit: '' };
  if (GATEHOUSE.includes(m.target))
    return {
      peer: fmt(ratio(m, find(ms, m.scenario, 'oidc-provider'))),
      limit: fmt(ratio(m, find(ms, m.scenario, 'bare-limit'))),
    };
  if (m.target === 'gatehouse-scale')
    return {
      peer: '',
      limit: fmt(
        ratio(
          m,
          find(ms, m.scenario, 'gatehouse', SCALE_BASELINE) ??
            find(ms, 'client_credentials_jwt', 'gatehouse'),
        ),
      ),
    };
  if (m.scenario.startsWith('verify_resource_server'))
    return { peer: fmt(overJose(m, find(ms, 'verify_jose', 'in-process'))), limit: '' };
  return { peer: '', limit: '' };
}

/** Rows as a GitHub-flavoured Markdown table (also printed as is on stdout). */
export function table(ms: Measurement[]): string {
  const head = [
    'scenario',
    'target',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'RSS MB',
    'CPU µs/req',
    'GH/peer',
    'GH/limit',
  ];
  const rows = ms.map((m) => {
    const r = ratios(m, ms);
    return [
      m.variant ? `${m.scenario} (${m.variant})` : m.scenario,
      m.target,
      Math.round(m.reqPerSec).toLocaleString('en-US'),
      m.p50Ms.toFixed(2),
      m.p99Ms.toFixed(2),
      String(m.errors),
      m.rssMb > 0 ? m.rssMb.toFixed(0) : '',
      m.cpuUsPerReq !== undefined ? m.cpuUsPerReq.toFixed(0) : '',
      r.peer,
      r.limit,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function checksTable(cs: Check[]): string {
  return [
    '| target | measured | status |',
    '| --- | --- | --- |',
    ...cs.map((c) => `| ${c.target} | ${c.value} | ${c.status} |`),
  ].join('\n');
}

export function skipsList(skips: Skip[]): string {
  return skips.map((s) => `- ${s.scenario} on ${s.target}: ${s.reason}`).join('\n');
}
