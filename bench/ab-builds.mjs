// A/B of two built Gatehouse bundles (bench/.build/http/routes/gatehouse.mjs of two commits, each
// built with bench/lib/build.ts), side by side, client_credentials rounds taken in turns, so the
// box's slow spells hit both alike. Usage: node bench/ab-builds.mjs OLD.mjs NEW.mjs
// See docs/benchmarks.md (the 2026-12-06 A/B) for how the old build was made.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const THREADPOOL = fileURLToPath(new URL('../packages/server/bin/threadpool.cjs', import.meta.url));
function start(name, entry, port) {
  const dataDir = mkdtempSync(join(tmpdir(), `ab-${name}-`));
  const child = spawn(process.execPath, ['--require', THREADPOOL, entry], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: `sqlite:${join(dataDir, 'g.db')}`,
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_SECRET: 'bench-secret-bench-secret-bench-secret-0123456789',
      GATEHOUSE_TOKEN_RATE_CLIENT: '1000000,2000000',
      GATEHOUSE_TOKEN_RATE_IP: '1000000,2000000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      for (const line of buf.split('\n'))
        if (line.startsWith('{"ready"')) resolve({ name, child, info: JSON.parse(line) });
    });
  });
}
function run(t, seconds) {
  const { clientId, clientSecret } = t.info.clients.jwt;
  return new Promise((resolve, reject) =>
    autocannon(
      {
        url: `${t.info.url}/oauth2/token`,
        method: 'POST',
        connections: 32,
        duration: seconds,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials',
      },
      (err, r) => (err ? reject(err) : resolve(r)),
    ),
  );
}
const [oldT, newT] = await Promise.all([
  start('old', process.argv[2], 4601),
  start('new', process.argv[3], 4602),
]);
const targets = [oldT, newT];
for (const t of targets) {
  const r = await run(t, 4);
  console.log('warm', t.name, r.requests.average, r.non2xx);
}
// CPU time the server process (all its threads) spent, in clock ticks: a per-request cost
// that the box's other load disturbs far less than throughput.
function cpuTicks(child) {
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
const TICK_US = 1e6 / 100;
const res = { old: [], new: [] };
const cpu = { old: [], new: [] };
const ROUNDS = Number(process.env.AB_ROUNDS ?? 6);
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 ? [newT, oldT] : [oldT, newT];
  for (const t of order) {
    const before = cpuTicks(t.child);
    const r = await run(t, 4);
    const usPerReq = ((cpuTicks(t.child) - before) * TICK_US) / r.requests.total;
    res[t.name].push(r.requests.average);
    cpu[t.name].push(usPerReq);
    console.log(
      'round',
      round,
      t.name,
      r.requests.average,
      'non2xx',
      r.non2xx,
      'cpu µs/req',
      usPerReq.toFixed(1),
    );
  }
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(
  'median old',
  med(res.old),
  'new',
  med(res.new),
  'new/old',
  (med(res.new) / med(res.old)).toFixed(3),
);
console.log(
  'server CPU µs per request: median old',
  med(cpu.old).toFixed(1),
  'new',
  med(cpu.new).toFixed(1),
  'old/new',
  (med(cpu.old) / med(cpu.new)).toFixed(3),
);
for (const t of targets) t.child.kill('SIGTERM');
process.exit(0);
