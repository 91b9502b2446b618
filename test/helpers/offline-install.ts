import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [k: string]: unknown;
}

const root = new URL('../..', import.meta.url).pathname;

/**
 * Where npm's tree, as the repository's lockfile lays it out, places the package `name` that
 * the package at `from` requires: the nearest node_modules up from `from` that holds it.
 */
function locate(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (packages[candidate] && !packages[candidate].link) return candidate;
    if (base === '') return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

/**
 * Writes package.json and package-lock.json for a consumer project in `dir` that depends on
 * the packed `tarballs` (and `extra` third-party packages the repository's lockfile holds),
 * with every third-party package at the version and place the repository's own install
 * uses. `npm ci --offline` can then install it from npm's cache, which the repository's
 * `npm ci` filled: no network, and exactly the dependencies the repository was tested with.
 */
export function writeOfflineProject(dir: string, tarballs: Map<string, string>, extra: string[] = []): void {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const repo = lock.packages;
  const out: Record<string, LockEntry> = {};
  const rootDeps: Record<string, string> = {};
  // Third-party packages to place: [where the repository has it, where the consumer gets it].
  const queue: [string, string][] = [];
  const want = (fromRepo: string, fromOut: string, deps: Record<string, string> | undefined) => {
    for (const name of Object.keys(deps ?? {})) {
      if (tarballs.has(name)) continue;
      const at = locate(repo, fromRepo, name);
      if (at === undefined)
        throw new Error(`${name} (needed by ${fromRepo || 'the root'}) is not in the lockfile`);
      // Hoisted in the repository: hoisted here. Nested under a workspace package: under the
      // same package here. Nested under a third-party package: the same path.
      const ws = /^packages\/([^/]+)\//.exec(at);
      const target = ws ? `node_modules/@gatehouse/${ws[1]}/${at.slice(ws[0].length)}` : at;
      queue.push([at, target]);
      void fromOut;
    }
  };
  for (const [name, file] of tarballs) {
    const short = name.slice('@gatehouse/'.length);
    const manifest = JSON.parse(readFileSync(join(root, 'packages', short, 'package.json'), 'utf8'));
    const integrity = `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
    rootDeps[name] = `file:${basename(file)}`;
    out[`node_modules/${name}`] = {
      version: manifest.version,
      resolved: `file:${basename(file)}`,
      integrity,
      license: manifest.license,
      ...(manifest.dependencies ? { dependencies: manifest.dependencies } : {}),
      ...(manifest.bin ? { bin: manifest.bin } : {}),
      ...(manifest.engines ? { engines: manifest.engines } : {}),
    };
    want(`packages/${short}`, `node_modules/${name}`, manifest.dependencies);
  }
  for (const name of extra) {
    const at = locate(repo, '', name);
    if (at === undefined) throw new Error(`${name} is not in the lockfile`);
    rootDeps[name] = repo[at]?.version as string;
    queue.push([at, at]);
  }
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const [at, target] = next;
    if (out[target]) continue;
    const entry = { ...(repo[at] as LockEntry) };
    delete entry.dev;
    delete entry.devOptional;
    out[target] = entry;
    want(at, target, { ...entry.dependencies, ...entry.optionalDependencies });
    // Peer dependencies the repository resolved are installed too (npm 7+ does so).
    for (const peer of Object.keys(entry.peerDependencies ?? {})) {
      const p = locate(repo, at, peer);
      if (p !== undefined && !p.startsWith('packages/')) queue.push([p, p]);
    }
  }
  const manifest = {
    name: 'gatehouse-consumer',
    version: '1.0.0',
    private: true,
    type: 'module',
    dependencies: rootDeps,
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(
    join(dir, 'package-lock.json'),
    `${JSON.stringify(
      {
        name: manifest.name,
        version: manifest.version,
        lockfileVersion: 3,
        requires: true,
        packages: { '': { name: manifest.name, version: manifest.version, dependencies: rootDeps }, ...out },
      },
      null,
      2,
    )}\n`,
  );
}
