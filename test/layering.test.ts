import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, describe, it } from 'node:test';

// The layering rules of .dependency-cruiser.cjs (run by `npm run lint`), each shown failing on
// a deliberate violation in a small fixture tree laid out like the repository, and a clean
// tree shown passing, so that a rule that stopped matching (or matched everything) fails here.

const root = join(import.meta.dirname, '..');
const depcruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const config = join(root, '.dependency-cruiser.cjs');
const RULES = [
  'no-storage-outside-services',
  'services-below-presentation',
  'oauth-core-without-framework-or-sql',
  'storage-interfaces-without-implementation',
  'sdks-without-server',
  'metrics-through-the-port',
  'redis-inside-limits',
  'no-cycles',
];

/** A tree that keeps every rule: route → service → storage interface, core → interface. */
const CLEAN: Record<string, string> = {
  'packages/server/src/storage/types.ts': 'export interface App { id: string }\n',
  'packages/server/src/storage/storage.ts':
    "import type { App } from './types.ts';\nexport interface Storage { getApp(id: string): Promise<App> }\n",
  'packages/server/src/storage/sql/storage.ts':
    "import type { Storage } from '../storage.ts';\nexport const open = (): Storage | undefined => undefined;\n",
  'packages/server/src/apps/app-service.ts':
    "import type { Storage } from '../storage/storage.ts';\nexport type { App } from '../storage/types.ts';\nexport class AppService { constructor(readonly storage: Storage) {} }\n",
  'packages/server/src/http/routes/apps.ts':
    "import type { FastifyInstance } from 'fastify';\nimport type { App, AppService } from '../../apps/app-service.ts';\nexport const routes = (_app: FastifyInstance, _s: AppService, _a?: App) => {};\n",
  'packages/server/src/oauth/grants/grant.ts':
    "import type { Storage } from '../../storage/storage.ts';\nexport const grant = (_s: Storage) => {};\n",
  'packages/server/src/server.ts': "import { routes } from './http/routes/apps.ts';\nexport { routes };\n",
  'packages/resource-server/src/index.ts':
    "import { createRemoteJWKSet } from 'jose';\nexport { createRemoteJWKSet };\n",
};

/** One deliberate violation per rule: files added to (or replacing those of) the clean tree. */
const VIOLATIONS: Array<{ rule: string; why: string; files: Record<string, string> }> = [
  {
    rule: 'no-storage-outside-services',
    why: 'a console page imports a storage type (type-only imports count)',
    files: {
      'packages/server/src/console/pages/apps.ts':
        "import type { App } from '../../storage/types.ts';\nexport const page = (a: App) => a.id;\n",
    },
  },
  {
    rule: 'no-storage-outside-services',
    why: 'a CLI command opens the SQL storage itself',
    files: {
      'packages/server/src/cli/migrate.ts':
        "import { open } from '../storage/sql/storage.ts';\nexport const run = () => open();\n",
    },
  },
  {
    rule: 'services-below-presentation',
    why: 'a service imports an HTTP route',
    files: {
      'packages/server/src/apps/logo.ts':
        "import { sendPage } from '../http/page-reply.ts';\nexport const s = sendPage;\n",
      'packages/server/src/http/page-reply.ts': 'export const sendPage = () => {};\n',
    },
  },
  {
    rule: 'oauth-core-without-framework-or-sql',
    why: 'a grant handler imports Fastify',
    files: {
      'packages/server/src/oauth/grants/grant.ts':
        "import type { FastifyRequest } from 'fastify';\nexport const grant = (_r: FastifyRequest) => {};\n",
    },
  },
  {
    rule: 'oauth-core-without-framework-or-sql',
    why: 'a grant handler imports Kysely',
    files: {
      'packages/server/src/oauth/grants/grant.ts':
        "import { sql } from 'kysely';\nexport const grant = sql;\n",
    },
  },
  {
    rule: 'oauth-core-without-framework-or-sql',
    why: 'a grant handler imports the SQL storage',
    files: {
      'packages/server/src/oauth/grants/grant.ts':
        "import { open } from '../../storage/sql/storage.ts';\nexport const grant = open;\n",
    },
  },
  {
    rule: 'storage-interfaces-without-implementation',
    why: 'the storage interface imports a type from its SQL implementation',
    files: {
      'packages/server/src/storage/storage.ts':
        "import type { Row } from './sql/rows.ts';\nexport interface Storage { getApp(id: string): Promise<Row> }\n",
      'packages/server/src/storage/sql/rows.ts': 'export interface Row { id: string }\n',
    },
  },
  {
    rule: 'sdks-without-server',
    why: 'the resource-server SDK imports the authorization server',
    files: {
      'packages/resource-server/src/verify.ts':
        "import { AppService } from '../../server/src/apps/app-service.ts';\nexport const s = AppService;\n",
    },
  },
  {
    rule: 'metrics-through-the-port',
    why: 'a service imports prom-client instead of reporting through the Metrics port',
    files: {
      'packages/server/src/apps/app-service.ts':
        "import { Counter } from 'prom-client';\nexport const created = Counter;\n",
    },
  },
  {
    rule: 'redis-inside-limits',
    why: 'a route imports rate-limiter-flexible instead of going through SharedLimits',
    files: {
      'packages/server/src/http/routes/apps.ts':
        "import { RateLimiterRedis } from 'rate-limiter-flexible';\nexport const routes = RateLimiterRedis;\n",
    },
  },
  {
    rule: 'no-cycles',
    why: 'two services import each other (type-only)',
    files: {
      'packages/server/src/users/a.ts': "import type { B } from './b.ts';\nexport interface A { b?: B }\n",
      'packages/server/src/users/b.ts': "import type { A } from './a.ts';\nexport interface B { a?: A }\n",
    },
  },
];

const scratch = mkdtempSync(join(tmpdir(), 'gatehouse-layering-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let trees = 0;

/** Runs depcruise with the repository's config over a fresh tree of `files`. */
function cruise(files: Record<string, string>): { code: number | null; out: string } {
  const dir = join(scratch, String(trees++));
  mkdirSync(dir);
  // Packages (fastify, kysely, jose) resolve as they do in the repository.
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const r = spawnSync(
    process.execPath,
    [depcruise, 'packages', '--config', config, '--output-type', 'err-long', '--no-progress'],
    { cwd: dir, encoding: 'utf8' },
  );
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('layering rules (.dependency-cruiser.cjs, run by npm run lint)', () => {
  it('pass on a tree that keeps them', () => {
    const r = cruise(CLEAN);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /no dependency violations found/);
  });

  for (const v of VIOLATIONS) {
    it(`fail with ${v.rule} when ${v.why}`, () => {
      const r = cruise({ ...CLEAN, ...v.files });
      assert.notEqual(r.code, 0, r.out);
      assert.match(r.out, new RegExp(`error ${v.rule}:`));
      // Only this rule fires, and its comment (what it protects) is printed with it.
      for (const other of RULES.filter((x) => x !== v.rule)) assert.doesNotMatch(r.out, new RegExp(other));
      assert.match(r.out, /services|core|interface|server|cycle/);
    });
  }
});

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('no storage through the Gatehouse object', () => {
  // dependency-cruiser sees imports only: `gh.storage.getUser(...)` imports nothing from storage/.
  it('no module in http/, console/, cli/, pages/ or demo/ reads `.storage` off the Gatehouse', () => {
    const src = join(root, 'packages/server/src');
    const offenders = ['http', 'console', 'cli', 'pages', 'demo'].flatMap((layer) =>
      sources(join(src, layer)).flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((line, i) =>
            /\.storage\b/.test(line) && !/^\s*(\/\/|\*)/.test(line)
              ? [`${relative(root, file)}:${i + 1}`]
              : [],
          ),
      ),
    );
    assert.deepEqual(offenders, []);
  });
});
