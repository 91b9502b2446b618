import { parseArgs } from 'node:util';
import type { BenchOptions } from './types.ts';

const USAGE = `usage: npm run bench -- [--db sqlite|postgres] [--only <scenario>[,...]] [--targets <target>[,...]]
       [--duration <s>] [--warmup <s>] [--rounds <n>] [--connections <n>] [--runtime built|tsx] [--profile] [--record]`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string', default: 'sqlite' },
      only: { type: 'string', multiple: true, default: [] },
      targets: { type: 'string', multiple: true, default: [] },
      duration: { type: 'string', default: '15' },
      warmup: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '5' },
      connections: { type: 'string', default: '32' },
      runtime: { type: 'string', default: 'built' },
      profile: { type: 'boolean', default: false },
      record: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const num = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}\n${USAGE}`);
    return n;
  };
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (values.db !== 'sqlite' && values.db !== 'postgres')
    throw new Error(`--db must be sqlite or postgres\n${USAGE}`);
  if (values.runtime !== 'built' && values.runtime !== 'tsx')
    throw new Error(`--runtime must be built or tsx\n${USAGE}`);
  return {
    db: values.db,
    duration: num('duration', values.duration, 1),
    warmup: num('warmup', values.warmup, 0),
    rounds: Math.floor(num('rounds', values.rounds, 1)),
    connections: Math.floor(num('connections', values.connections, 1)),
    runtime: values.runtime,
    only: values.only.flatMap((o) => o.split(',')).filter(Boolean),
    targets: values.targets.flatMap((o) => o.split(',')).filter(Boolean),
    profile: values.profile,
    record: values.record,
  };
}
