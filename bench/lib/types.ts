/** Shapes shared by the harness, the targets and the scenarios. */

/**
 * `gatehouse` runs on SQLite (PostgreSQL with `--db postgres`); `gatehouse-pg` is the same build
 * on PostgreSQL always, measured beside it in the same rounds.
 */
export type TargetName =
  | 'gatehouse'
  | 'gatehouse-pg'
  | 'gatehouse-workers'
  | 'oidc-provider'
  | 'bare-limit'
  | 'gatehouse-scale'
  | 'in-process';

export interface BenchOptions {
  db: 'sqlite' | 'postgres';
  /** Measured seconds per run. */
  duration: number;
  /** Warm-up seconds per run, excluded from the figures. */
  warmup: number;
  connections: number;
  /** `built` (esbuild bundle, as in production) or `tsx` (TypeScript loaded at run time). */
  runtime: 'built' | 'tsx';
  only: string[];
  /** Run only on these targets (e.g. gatehouse while tuning); empty: all. */
  targets: string[];
  /** Measured rounds per scenario: the targets take turns, `duration / rounds` seconds each. */
  rounds: number;
  /** Profile Gatehouse with --cpu-prof into bench/results/profiles. */
  profile: boolean;
  record: boolean;
}

/** A server under test, started as its own child process. */
export interface RunningTarget {
  name: TargetName;
  url: string;
  pid: number;
  /** Whatever the server reported when ready: credentials of the clients it registered. */
  info: Record<string, unknown>;
  /** Resident set size now and at its peak, in MB. */
  memory(): { rssMb: number; peakRssMb: number };
  /** CPU seconds (user + system, all threads) the server has used so far. */
  cpuSeconds(): number;
  /**
   * Waits until the server's database has no background work pending (PostgreSQL: vacuum and
   * checkpoint), so that it does not run during another target's measurement. Absent: nothing.
   */
  settle?(): Promise<void>;
  stop(): Promise<void>;
}

/** One autocannon run's input. Bodies and headers rotate per request when given as lists. */
export interface LoadSpec {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** One request per entry, round robin; with `singleUse`, each sent exactly once. */
  variants?: { body?: string; headers?: Record<string, string> }[];
  /** Codes and refresh tokens work once: the run sends each variant once, no warm-up reuse. */
  singleUse?: boolean;
}

export interface LoadResult {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Socket errors, timeouts and non-2xx answers. */
  errors: number;
  total: number;
  seconds: number;
}

export interface Measurement extends LoadResult {
  scenario: string;
  target: TargetName;
  rssMb: number;
  peakRssMb: number;
  /**
   * Server CPU time per answered request over the measured run, in microseconds (all its
   * threads). Unlike req/s it barely moves when other work shares the machine.
   */
  cpuUsPerReq?: number;
  /** A note such as "at half of peak rate". */
  variant?: string;
  /** Rounds the figure is the median of, when the targets took turns. */
  rounds?: number;
  /** Each round's figure the median was taken from (req/s; p99 for the paced half-rate runs). */
  roundFigures?: number[];
  /**
   * In-process verification by the SDK: jose.jwtVerify measured in the same process, in
   * blocks alternating with the SDK's, the baseline its ratio is taken against.
   */
  pairedBaseline?: { reqPerSec: number; cpuUsPerReq?: number };
}

/** What bench/lib/verify-worker.ts reports. */
export type InProcessResult = LoadResult & Pick<Measurement, 'cpuUsPerReq' | 'pairedBaseline'>;

export interface Skip {
  scenario: string;
  target: TargetName;
  reason: string;
}

/** What a scenario sees of a started target. */
export interface ScenarioContext {
  target: RunningTarget;
  options: BenchOptions;
  /** RFC 8414 metadata when the target publishes it (Gatehouse, node-oidc-provider). */
  metadata: Record<string, unknown> | undefined;
}

export interface HttpScenario {
  kind: 'http';
  name: string;
  title: string;
  targets: TargetName[];
  /** Undefined when the target can run it; otherwise why not (printed as a skip). */
  unsupported(ctx: ScenarioContext): Promise<string | undefined>;
  /** Builds the load, after checking one real request answers as expected. */
  prepare(ctx: ScenarioContext): Promise<LoadSpec>;
  /** Also measure p99 at half of the peak rate on these targets. */
  halfRateOn?: TargetName[];
  /**
   * Another scenario and target to measure in the same rounds, as this one's baseline (the
   * small database beside the large one); recorded under this scenario's name.
   */
  baseline?: { scenario: string; target: TargetName };
}

/** A scenario measured inside one process (token verification), not over HTTP. */
export interface InProcessScenario {
  kind: 'in-process';
  name: string;
  title: string;
  targets: ['in-process'];
  /** Resolves to a reason when it cannot run in this build. */
  unsupported(): Promise<string | undefined>;
  /** Which verifier bench/lib/verify-worker.ts measures. */
  verifier: 'jose' | 'resource-server-cached' | 'resource-server-uncached';
}

export type Scenario = HttpScenario | InProcessScenario;
