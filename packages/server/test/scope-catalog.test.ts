import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../src/config/index.ts';
import { ValidationError } from '../src/errors.ts';
import { catalogScopes, DEFAULT_SCOPE_CATALOG } from '../src/oauth/scopes/catalog.ts';
import { covers, normaliseScopes, parseScope } from '../src/oauth/scopes/index.ts';
import { type TestServer, testServer } from './helpers.ts';

const E = '8ed17dce-9eca-4383-a9e1-54f82c362b6d';
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-catalog-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function configWith(file: string) {
  return loadConfig({
    env: { GATEHOUSE_SCOPE_CATALOG: file },
    overrides: { dataDir: dir, serverSecret: 'x'.repeat(32) },
  });
}

describe('GATEHOUSE_SCOPE_CATALOG', () => {
  test('loads and validates a JSON catalog', () => {
    const file = join(dir, 'catalog.json');
    writeFileSync(
      file,
      JSON.stringify({
        plain: [{ name: 'reports:view', description: 'View reports' }],
        features: [{ name: 'invoices', label: 'Invoices', permissions: ['read'] }],
        wildcard: true,
      }),
    );
    const c = configWith(file).scopeCatalog;
    assert.deepEqual(
      catalogScopes(c).map((s) => s.name),
      ['reports:view', 'invoices.read'],
    );
    assert.equal(c.wildcard, true);
  });

  test('descriptions and labels may be given per language', () => {
    const file = join(dir, 'catalog-de.json');
    writeFileSync(
      file,
      JSON.stringify({
        plain: [{ name: 'reports:view', description: { en: 'View reports', de: 'Berichte ansehen' } }],
        features: [{ name: 'invoices', label: { de: 'Rechnungen', en: 'Invoices' }, permissions: ['read'] }],
      }),
    );
    const c = configWith(file).scopeCatalog;
    assert.deepEqual(c.plain[0]?.descriptions, { en: 'View reports', de: 'Berichte ansehen' });
    assert.equal(c.plain[0]?.description, 'View reports');
    assert.equal(c.features[0]?.label, 'Invoices');
    writeFileSync(file, JSON.stringify({ plain: [{ name: 'x', description: { 'de_DE!': 'X' } }] }));
    assert.throws(
      () => configWith(file),
      /plain\[0\]\.description has "de_DE!", which is not a BCP 47 language tag/,
    );
  });

  test('fails loudly, naming the file and each problem', () => {
    assert.throws(
      () => configWith(join(dir, 'missing.json')),
      /GATEHOUSE_SCOPE_CATALOG: cannot read .*missing\.json: ENOENT/,
    );
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ plain: ');
    assert.throws(() => configWith(bad), /bad\.json is not valid JSON/);
    writeFileSync(bad, JSON.stringify({ plain: [{ name: 'x' }], features: [{ name: 'a.b', label: 'A' }] }));
    assert.throws(
      () => configWith(bad),
      /bad\.json is not a valid scope catalog: plain\[0\]\.description must be a non-empty string or an object of language tag to text \(\{"en": "\.\.\.", "de": "\.\.\."\}\); features\[0\]\.name may hold only/,
    );
  });

  test('the default catalog: every dialect of the seeds, and * enabled', () => {
    const c = loadConfig({ env: {}, overrides: { dataDir: dir, serverSecret: 'x'.repeat(32) } }).scopeCatalog;
    assert.equal(c, DEFAULT_SCOPE_CATALOG);
    assert.equal(c.features.length, 16);
    const names = catalogScopes(c).map((s) => s.name);
    for (const s of [
      'v1_access',
      'view:user',
      'update:user',
      'users.read',
      'time_clock.delete',
      'settings.write',
    ])
      assert.ok(names.includes(s), s);
    assert.equal(names.length, 13 + 16 * 3);
    assert.equal(c.wildcard, true);
  });
});

describe('the names the authorization-code flow builds on', () => {
  test('parseScope, normaliseScopes and covers understand parameterized scopes', () => {
    assert.deepEqual(
      parseScope(
        `users.read target-entity:${E}:performance-evaluations-read target-entity:${E}:employees-read`,
      ),
      [`target-entity:${E}:employees-read,performance-evaluations-read`, 'users.read'],
    );
    assert.deepEqual(normaliseScopes(['b', 'a', 'b']), ['a', 'b']);
    assert.ok(
      covers(
        [`target-entity:${E}:employees-read,performance-evaluations-read`],
        [`target-entity:${E}:employees-read`],
      ),
    );
    assert.throws(() => parseScope('a "b"'), { error: 'invalid_scope' });
  });
});

describe('app creation against the catalog', () => {
  let t: TestServer;
  before(async () => {
    t = await testServer();
  });
  after(() => t.close());

  const create = (scopes: string[]) =>
    t.gh.apps.create({ companyId: t.companyId, name: 'A', scopes }, 'test').then((r) => r.app);

  async function rejects(scopes: string[], pattern: RegExp) {
    await assert.rejects(create(scopes), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.match(err.fields.scopes ?? '', pattern);
      return true;
    });
  }

  test('unknown scopes, *, templates and bad entity ids are refused', async () => {
    await rejects(['users.read', 'users.admin'], /"users\.admin" is not a known scope/);
    await rejects(['*'], /request shorthand/);
    await rejects(['target-entity:{entity}:{permissions}'], /entity id/);
    await rejects([`target-entity:${E}:payroll-read`], /"payroll-read"/);
    await rejects([], /at least one scope/);
  });

  test('concrete scopes are stored normalised, with the scope policy', async () => {
    const app = await create([
      `target-entity:${E}:performance-evaluations-read`,
      'v1_access',
      `target-entity:${E}:employees-read`,
    ]);
    assert.deepEqual(app.scopes, [
      `target-entity:${E}:employees-read,performance-evaluations-read`,
      'v1_access',
    ]);
    assert.equal(app.scopePolicy, 'strict');
    const stored = await t.gh.storage.getApp(t.companyId, app.id);
    assert.deepEqual(stored?.scopes, app.scopes);
    const narrow = (
      await t.gh.apps.create(
        { companyId: t.companyId, name: 'N', scopes: ['view:user'], scopePolicy: 'narrow' },
        'test',
      )
    ).app;
    assert.equal((await t.gh.storage.getApp(t.companyId, narrow.id))?.scopePolicy, 'narrow');
    await assert.rejects(
      t.gh.apps.create(
        { companyId: t.companyId, name: 'N', scopes: ['view:user'], scopePolicy: 'loose' as 'narrow' },
        'test',
      ),
      /scope policy must be strict or narrow/,
    );
  });

  test('discovery lists the concrete scopes of the catalog', async () => {
    const res = await t.http.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' });
    const supported = res.json().scopes_supported as string[];
    assert.ok(
      supported.includes('users.read') && supported.includes('v1_access') && supported.includes('view:user'),
    );
    assert.ok(!supported.some((s) => s.startsWith('target-entity') || s === '*'));
    assert.equal(supported.length, 13 + 48);
  });
});
