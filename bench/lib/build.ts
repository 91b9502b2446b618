import { cpSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const BUILD_DIR = fileURLToPath(new URL('../.build/', import.meta.url));

/**
 * Compiles Gatehouse's bench entry to one ESM file, as a production build would: our
 * TypeScript (and our workspace packages) bundled, not minified; node_modules left as runtime imports.
 * Returns the path of the built file.
 */
export function buildGatehouse(): Promise<string> {
  built ??= compile();
  return built;
}

let built: Promise<string> | undefined;

async function compile(): Promise<string> {
  mkdirSync(BUILD_DIR, { recursive: true });
  // The server reads its page assets at ../../pages/assets from its own module (as in
  // packages/server/src/http/routes/); the bundle keeps that layout inside .build/.
  const outfile = `${BUILD_DIR}http/routes/gatehouse.mjs`;
  cpSync(
    fileURLToPath(new URL('../../packages/server/src/pages/assets/', import.meta.url)),
    `${BUILD_DIR}pages/assets/`,
    {
      recursive: true,
    },
  );
  await build({
    entryPoints: [fileURLToPath(new URL('../servers/gatehouse.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Workspace packages from their TypeScript sources (package.json "exports"), not dist/.
    conditions: ['@gatehouse/source'],
    // Third-party packages stay runtime imports; our own workspace packages ship as
    // TypeScript sources, so they are bundled like the server's own code.
    plugins: [
      {
        name: 'externalize-third-party',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@gatehouse/') ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  return outfile;
}
