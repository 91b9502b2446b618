// The benchmark's server processes (bench/lib/child.ts) die with the harness: an interrupted
// run must not leave servers holding ports and CPU for whatever runs next.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startChild } from '../bench/lib/child.ts';

const dir = mkdtempSync(join(tmpdir(), 'bench-child-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// A server that announces itself and then runs until killed.
const server = join(dir, 'server.mjs');
writeFileSync(
  server,
  `process.stdout.write(JSON.stringify({ ready: true, url: 'http://127.0.0.1:9' }) + '\\n');
setInterval(() => {}, 1000);
process.on('SIGTERM', () => {}); // only SIGKILL ends it
`,
);
const harness = join(dir, 'harness.mts');
writeFileSync(
  harness,
  `import { startChild } from ${JSON.stringify(fileURLToPath(new URL('../bench/lib/child.ts', import.meta.url)))};
const t = await startChild('bare-limit', [${JSON.stringify(server)}], {});
process.stdout.write(JSON.stringify({ pid: t.pid }) + '\\n');
setInterval(() => {}, 1000);
`,
);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(check(), what);
}

describe('bench server processes', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    test(`die with the harness on ${signal}`, async () => {
      const h = spawn(process.execPath, ['--import', 'tsx', harness], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const line = await new Promise<string>((resolve) =>
        createInterface({ input: h.stdout! }).once('line', resolve),
      );
      const { pid } = JSON.parse(line) as { pid: number };
      assert.ok(alive(pid), 'the server runs while the harness does');
      const exited = new Promise<number | null>((resolve) => h.once('exit', (code) => resolve(code)));
      h.kill(signal);
      assert.equal(await exited, signal === 'SIGTERM' ? 143 : 130);
      await until(`server ${pid} is gone after the harness ended`, () => !alive(pid));
    });

  test('a server that exits before announcing itself fails the start with its stderr', async () => {
    const failing = join(dir, 'failing.mjs');
    writeFileSync(failing, `console.error('no port for you'); process.exit(3);`);
    await assert.rejects(
      startChild('bare-limit', [failing], {}),
      /exited with 3 before it was ready:\n.*no port for you/s,
    );
  });
});

describe('a server of several processes is measured as a whole', () => {
  test('CPU and memory add up the process and its descendants (a cluster primary and workers)', async () => {
    // A primary that starts two busy workers, then announces itself.
    const primary = join(dir, 'primary.mjs');
    writeFileSync(
      primary,
      `import { spawn } from 'node:child_process';
const busy = 'while (process.cpuUsage().user < 300_000); setInterval(() => {}, 1000);';
const kids = [spawn(process.execPath, ['-e', busy]), spawn(process.execPath, ['-e', busy])];
await new Promise((r) => setTimeout(r, 200));
process.stdout.write(JSON.stringify({ ready: true, url: 'http://127.0.0.1:9', kids: kids.map((k) => k.pid) }) + '\\n');
setInterval(() => {}, 1000);
process.on('SIGTERM', () => { for (const k of kids) k.kill('SIGKILL'); process.exit(0); });
`,
    );
    const { processCpuSeconds, processTree, treeCpuSeconds } = await import('../bench/lib/child.ts');
    const t = await startChild('gatehouse-workers', [primary], {});
    try {
      const kids = t.info.kids as number[];
      const tree = processTree(t.pid);
      assert.deepEqual(tree.slice().sort(), [t.pid, ...kids].sort());
      // Each worker spins for 0.3 s of CPU: the tree counts both, the primary alone far less.
      for (let i = 0; i < 200 && treeCpuSeconds(t.pid) < 0.6; i++)
        await new Promise((r) => setTimeout(r, 50));
      assert.ok(treeCpuSeconds(t.pid) >= 0.6, `tree CPU ${treeCpuSeconds(t.pid)} s`);
      assert.ok(t.cpuSeconds() >= 0.6);
      assert.ok(processCpuSeconds(t.pid) < 0.5, `the primary alone: ${processCpuSeconds(t.pid)} s`);
      assert.ok(t.memory().rssMb > 3 * 20, `three node processes: ${t.memory().rssMb} MB`);
    } finally {
      await t.stop();
    }
  });
});
