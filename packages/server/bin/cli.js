// The `gatehouse` CLI proper, loaded by gatehouse.cjs once libuv's pool is sized. Installed
// from npm, it runs the build (dist/) with plain node. In a source checkout (src/ is there;
// the published package holds only dist/ and bin/), it runs the TypeScript sources through
// tsx, a development tool, and reads the other workspace packages from their sources too
// (the `@gatehouse/source` export condition; see docs/packages.md).
import { existsSync } from 'node:fs';
import { register as registerHooks } from 'node:module';

const sources = new URL('../src/cli/main.ts', import.meta.url);
let main;
if (existsSync(sources)) {
  registerHooks('./source-condition.mjs', import.meta.url);
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(sources.href));
} else {
  ({ main } = await import('../dist/cli/main.js'));
}
process.exitCode = await main(process.argv.slice(2));
