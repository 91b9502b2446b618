#!/usr/bin/env node
// Builds the workspace packages to JavaScript (docs/packages.md): tsc writes dist/ with type
// declarations and source maps (sources inlined) for each package, in dependency order, so
// that a package reads the others from their builds as a consumer would; esbuild adds a
// CommonJS bundle for the SDKs (`require`), and the server's page assets are copied beside
// its code. `node scripts/build-packages.mjs [@gatehouse/name ...]` builds those and what
// they depend on; without names, every public package.
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** Dependency order: each package after the workspace packages it imports. */
const PACKAGES = ['cache', 'scopes', 'client', 'resource-server', 'server'];
/** Packages that also ship a CommonJS entry (dist/index.cjs). */
const COMMONJS = new Set(['cache', 'scopes', 'client', 'resource-server']);

function workspaceDeps(name) {
  const pkg = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'));
  return Object.keys(pkg.dependencies ?? {})
    .filter((d) => d.startsWith('@gatehouse/'))
    .map((d) => d.slice('@gatehouse/'.length));
}

function withDeps(names, out = new Set()) {
  for (const n of names) {
    if (out.has(n)) continue;
    if (!PACKAGES.includes(n)) throw new Error(`unknown package @gatehouse/${n}`);
    withDeps(workspaceDeps(n), out);
    out.add(n);
  }
  return out;
}

const asked = process.argv.slice(2).map((a) => a.replace(/^@gatehouse\//, ''));
const chosen = withDeps(asked.length > 0 ? asked : PACKAGES);
const tsc = require.resolve('typescript/bin/tsc');

for (const name of PACKAGES.filter((p) => chosen.has(p))) {
  const dir = join(root, 'packages', name);
  const started = Date.now();
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  const r = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.build.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    console.error(`build of @gatehouse/${name} failed`);
    process.exit(r.status ?? 1);
  }
  if (name === 'server')
    cpSync(join(dir, 'src/pages/assets'), join(dir, 'dist/pages/assets'), { recursive: true });
  if (COMMONJS.has(name)) {
    const { build } = await import('esbuild');
    await build({
      entryPoints: [join(dir, 'dist/index.js')],
      outfile: join(dir, 'dist/index.cjs'),
      bundle: true,
      // Dependencies (other @gatehouse packages included) stay require() calls.
      packages: 'external',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'linked',
      logLevel: 'warning',
    });
  }
  console.log(`built @gatehouse/${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
