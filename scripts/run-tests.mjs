#!/usr/bin/env node
// Runs every *.test.ts in the workspace through node's own test runner (with tsx),
// so the runner's summary line is what CI reads. Node 20 has no glob support in
// `--test`, hence the explicit file list.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = ['packages', 'examples', 'test'];
const filter = process.argv.slice(2);

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

let files = roots.flatMap((r) => walk(join(root, r), [])).sort();
if (filter.length > 0) files = files.filter((f) => filter.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-timeout=600000',
    '--test-reporter=spec',
    ...files,
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_ENV: process.env.NODE_ENV ?? 'test',
      // Workspace packages resolve to their TypeScript sources, in the runner and in every
      // process a test starts (docs/packages.md).
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=@gatehouse/source`.trim(),
    },
  },
);
process.exit(result.status ?? 1);
