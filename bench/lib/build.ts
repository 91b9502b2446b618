import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const BUILD_DIR = fileURLToPath(new URL('../.build/', import.meta.url));

/**
 * Compiles Gatehouse's bench entry to one ESM file, as a production build would: our
 * TypeScript bundled and minified-free, node_modules left as runtime imports.
 * Returns the path of the built file.
 */
export function buildGatehouse(): Promise<string> {
  built ??= compile();
  return built;
}

let built: Promise<string> | undefined;

async function compile(): Promise<string> {
  mkdirSync(BUILD_DIR, { recursive: true });
  const outfile = `${BUILD_DIR}gatehouse.mjs`;
  await build({
    entryPoints: [fileURLToPath(new URL('../servers/gatehouse.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  return outfile;
}
