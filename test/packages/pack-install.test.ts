/**
 * The packages as a user gets them (issue 18): built, packed with `npm pack`, installed into
 * an empty directory outside the repository (offline, from npm's cache, at the versions the
 * repository's lockfile holds: test/helpers/offline-install.ts), and used there by plain
 * Node: ESM and CommonJS scripts import the SDKs, tsc type-checks a TypeScript consumer, and
 * the installed `gatehouse` bin serves on SQLite and issues a token. Nothing of the
 * repository is reachable from there: no tsx, no sources, no workspace links.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { freePort } from '../helpers/live-gatehouse.ts';
import { writeOfflineProject } from '../helpers/offline-install.ts';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const PUBLIC = [
  '@gatehouse/cache',
  '@gatehouse/scopes',
  '@gatehouse/client',
  '@gatehouse/resource-server',
  '@gatehouse/server',
];
let dir: string;
let app: string;
/** A clean environment: nothing that points back into the repository. */
let env: NodeJS.ProcessEnv;

async function sh(file: string, args: string[], cwd = app, extra: NodeJS.ProcessEnv = {}) {
  try {
    return await run(file, args, { cwd, env: { ...env, ...extra }, timeout: 300_000, maxBuffer: 16 << 20 });
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-packed-'));
  app = join(dir, 'consumer');
  mkdirSync(app);
  env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, NODE_ENV: 'development' };
  await sh(process.execPath, [join(root, 'scripts/build-packages.mjs')], root);
  const tarballs = new Map<string, string>();
  for (const name of PUBLIC) {
    const short = name.slice('@gatehouse/'.length);
    // The build ran above; --ignore-scripts keeps prepack from building each one again.
    const { stdout } = await sh(
      'npm',
      ['pack', '--ignore-scripts', '--pack-destination', app, '--json'],
      join(root, 'packages', short),
    );
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    tarballs.set(name, join(app, (packed as { filename: string }).filename));
  }
  writeOfflineProject(app, tarballs, ['@types/node']);
  await sh('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error']);
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('the tarballs hold the build, not the sources, and tsx is no runtime dependency', () => {
  for (const name of PUBLIC) {
    const pkg = join(app, 'node_modules', name);
    assert.ok(existsSync(join(pkg, 'dist/index.js')), `${name}: dist/index.js`);
    assert.ok(existsSync(join(pkg, 'dist/index.d.ts')), `${name}: dist/index.d.ts`);
    assert.ok(!existsSync(join(pkg, 'src')), `${name}: no src/`);
  }
  assert.ok(!existsSync(join(app, 'node_modules/tsx')), 'tsx was installed');
  // Not reachable from the consumer's directory either (it is outside the repository).
  assert.throws(() => createRequire(join(app, 'x.js')).resolve('tsx'));
});

test('plain ESM and CommonJS scripts import the SDKs', async () => {
  writeFileSync(
    join(app, 'esm.mjs'),
    `import { createVerifier, createFastifyAuth } from '@gatehouse/resource-server';
import { clientCredentials, generateCodeVerifier } from '@gatehouse/client';
import { parse } from '@gatehouse/scopes';
import { Lru } from '@gatehouse/cache';
import { Gatehouse, loadConfig } from '@gatehouse/server';
const l = new Lru(2); l.set('a', 1);
console.log(JSON.stringify({ verifier: typeof createVerifier, fastify: typeof createFastifyAuth,
  client: typeof clientCredentials, pkce: generateCodeVerifier().length, scope: parse('b a'),
  lru: l.get('a'), server: typeof Gatehouse.open, config: typeof loadConfig }));
`,
  );
  const esm = JSON.parse((await sh(process.execPath, ['esm.mjs'])).stdout);
  assert.deepEqual(esm, {
    verifier: 'function',
    fastify: 'function',
    client: 'function',
    pkce: 43,
    scope: ['b', 'a'],
    lru: 1,
    server: 'function',
    config: 'function',
  });
  writeFileSync(
    join(app, 'cjs.cjs'),
    `const { createVerifier } = require('@gatehouse/resource-server');
const { generateCodeVerifier } = require('@gatehouse/client');
const { parse } = require('@gatehouse/scopes');
const { Lru } = require('@gatehouse/cache');
console.log(JSON.stringify({ verifier: typeof createVerifier, pkce: generateCodeVerifier().length,
  scope: parse('x'), lru: typeof Lru }));
`,
  );
  const cjs = JSON.parse((await sh(process.execPath, ['cjs.cjs'])).stdout);
  assert.deepEqual(cjs, { verifier: 'function', pkce: 43, scope: ['x'], lru: 'function' });
});

test('a TypeScript consumer type-checks against the declarations', async () => {
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        types: ['node'],
        // As `tsc --init` sets it: third-party declarations are not ours to check (ioredis's
        // import an untyped module); the consumer's code is checked against ours in full.
        skipLibCheck: true,
      },
      files: ['consumer.ts'],
    }),
  );
  writeFileSync(
    join(app, 'consumer.ts'),
    `import { type AccessTokenClaims, createVerifier } from '@gatehouse/resource-server';
import { type ClientCredentialsSource, clientCredentials } from '@gatehouse/client';
import { parse } from '@gatehouse/scopes';
import { loadConfig, type Config } from '@gatehouse/server';
const verifier = createVerifier({ issuer: 'https://auth.example.com', audience: 'https://api.example.com' });
const check: (token: string) => Promise<AccessTokenClaims> = (t) => verifier.verify(t);
const scopes: string[] = parse('users.read');
const config: Config = loadConfig({});
const source: ClientCredentialsSource = clientCredentials({ issuer: 'https://auth.example.com', clientId: 'cl', clientSecret: 's' });
export { check, scopes, config, source };
`,
  );
  // The repository's TypeScript, run against the consumer's node_modules only.
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await sh(process.execPath, [tsc, '-p', 'tsconfig.json']);
  // And a type error is one (the check is not vacuous).
  writeFileSync(
    join(app, 'consumer.ts'),
    `import { parse } from '@gatehouse/scopes';\nconst n: number = parse('a');\nexport { n };\n`,
  );
  await assert.rejects(sh(process.execPath, [tsc, '-p', 'tsconfig.json']), /TS2322/);
});

test('the installed gatehouse bin serves on SQLite with plain node and issues a token', async () => {
  const data = join(dir, 'data');
  const bin = join(app, 'node_modules/.bin/gatehouse');
  const own = { GATEHOUSE_DATA_DIR: data };
  const company = JSON.parse(
    (await sh(bin, ['company', 'create', '--name', 'Packed Inc', '--json'], app, own)).stdout,
  );
  const created = JSON.parse(
    (
      await sh(
        bin,
        [
          'app',
          'create',
          '--company',
          company.id,
          '--name',
          'Packed app',
          '--scopes',
          'users.read',
          '--json',
        ],
        app,
        own,
      )
    ).stdout,
  );
  const port = await freePort();
  const server: ChildProcess = spawn(bin, ['serve'], {
    cwd: app,
    env: { ...env, ...own, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout?.on('data', (d) => (output += d));
  server.stderr?.on('data', (d) => (output += d));
  try {
    const url = `http://127.0.0.1:${port}`;
    let res: Response | undefined;
    for (let i = 0; i < 100 && res === undefined; i++) {
      res = await fetch(`${url}/oauth2/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${created.client_id}:${created.client_secret}`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials',
      }).catch(() => undefined);
      if (res === undefined) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(res, `gatehouse serve did not answer:\n${output}`);
    const body = (await res.json()) as { access_token?: string; scope?: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.scope, 'users.read');
    assert.equal(body.access_token?.split('.').length, 3);
    // It ran the build: no TypeScript loader in the process.
    assert.doesNotMatch(output, /tsx/);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  assert.ok(
    readdirSync(data).some((f) => f.endsWith('.db')),
    'a SQLite file in the data directory',
  );
});
