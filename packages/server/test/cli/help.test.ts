import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS, type Io, main } from '../../src/cli/main.ts';

/** main() in-process with captured output: for the paths that never open a database. */
async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => '',
  };
  const code = await main(argv, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('gatehouse --help', () => {
  it('lists every command', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c.name} `, 'm'));
  });

  it('documents every flag of every command', async () => {
    for (const c of COMMANDS) {
      const r = await run([...c.name.split(' '), '--help']);
      assert.equal(r.code, 0, c.name);
      assert.ok(r.stdout.includes(`Usage: gatehouse ${c.name}`), c.name);
      for (const flag of [...Object.keys(c.options), 'json'])
        assert.ok(r.stdout.includes(`--${flag}`), `${c.name} --help mentions --${flag}`);
    }
  });

  it('shows a group’s commands, and prints usage on stderr with exit 2 when none is given', async () => {
    const help = await run(['app', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /app rotate-secret/);
    const bare = await run(['app']);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /app create/);
    const nothing = await run([]);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /Usage: gatehouse/);
  });

  it('reports usage errors as JSON under --json', async () => {
    const r = await run(['company', 'create', '--json']);
    assert.equal(r.code, 2);
    assert.deepEqual(JSON.parse(r.stderr), { error: 'usage', message: '--name is required' });
    assert.equal(r.stdout, '');
  });

  it('prints its version', async () => {
    const r = await run(['--version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^\d+\.\d+\.\d+/);
  });
});
