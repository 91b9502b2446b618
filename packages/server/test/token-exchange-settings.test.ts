import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { validateAppInput } from '../src/apps/validation.ts';
import { ValidationError } from '../src/errors.ts';
import { DEFAULT_SCOPE_CATALOG } from '../src/oauth/scopes/catalog.ts';
import { ScopeModel } from '../src/oauth/scopes/model.ts';
import { runCli } from './cli/run-cli.ts';
import { type DialectServer, dialectServer } from './dialect-server.ts';
import { TEST_SECRET } from './helpers.ts';
import { signedIn } from './management-api/fixtures.ts';
import { forDialects } from './pg.ts';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const USERS_API = 'https://api.example.com/users';
const SHIFTS_API = 'https://api.example.com/shifts';
const CATALOG = {
  ...DEFAULT_SCOPE_CATALOG,
  resources: [
    { uri: USERS_API, name: 'Users API', scopes: ['users.read', 'users.write'] },
    { uri: SHIFTS_API, name: 'Shifts API', scopes: ['shifts_read'] },
  ],
};
const POLICY = { allowedResources: [USERS_API], allowedSubjectClients: null, actorToken: 'allowed' as const };

describe('token-exchange policy: validation', () => {
  const model = new ScopeModel(CATALOG);
  const base = { companyId: 'co_1', name: 'Gateway', scopes: ['users.read'] };
  const problem = (input: Parameters<typeof validateAppInput>[0]) => {
    try {
      validateAppInput(input, model);
    } catch (err) {
      assert.ok(err instanceof ValidationError);
      return err.fields;
    }
    return assert.fail('expected a ValidationError');
  };

  it('a policy comes with its grant type, and the grant type with a policy', () => {
    const ok = validateAppInput({ ...base, grantTypes: [EXCHANGE], tokenExchange: POLICY }, model);
    assert.deepEqual(ok.tokenExchange, POLICY);
    assert.equal(validateAppInput(base, model).tokenExchange, null);
    assert.match(problem({ ...base, grantTypes: [EXCHANGE] }).tokenExchange ?? '', /needs a policy/);
    assert.match(problem({ ...base, tokenExchange: POLICY }).tokenExchange ?? '', /only for apps allowed/);
  });

  it('refuses unknown resources, empty lists, bad client_ids and actor rules, and public clients', () => {
    const withPolicy = (p: object) =>
      problem({ ...base, grantTypes: [EXCHANGE], tokenExchange: { ...POLICY, ...p } as typeof POLICY });
    assert.match(
      withPolicy({ allowedResources: ['https://nope.example'] }).tokenExchange ?? '',
      /not a resource/,
    );
    assert.match(withPolicy({ allowedResources: [] }).tokenExchange ?? '', /1 to 20/);
    assert.match(withPolicy({ allowedSubjectClients: [] }).tokenExchange ?? '', /client_ids/);
    assert.match(withPolicy({ allowedSubjectClients: ['has space'] }).tokenExchange ?? '', /not a client_id/);
    assert.match(withPolicy({ actorToken: 'sometimes' }).tokenExchange ?? '', /forbidden, allowed, required/);
    const fields = problem({
      ...base,
      clientType: 'public',
      grantTypes: ['authorization_code', EXCHANGE],
      redirectUris: ['https://spa.example/cb'],
      tokenExchange: POLICY,
    });
    assert.match(fields.grantTypes ?? '', /public client/);
  });
});

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`token-exchange policy in the management API (${dialect})`, { skip: skip || false }, () => {
    let t: DialectServer;
    const api = (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: unknown) =>
      t.http.inject({
        method,
        url: `/api/v1${url}`,
        headers: { authorization: `Bearer ${t.adminKey}` },
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });

    before(async () => {
      t = await dialectServer(dialect, { scopeCatalog: CATALOG });
    });
    after(() => t.close());

    it('creates an app with a policy, shows it, changes it, and takes it away with the grant type', async () => {
      const created = await api('POST', '/apps', {
        name: 'Gateway',
        scopes: ['users.read'],
        grant_types: [EXCHANGE],
        token_exchange: { allowed_resources: [USERS_API], actor_token: 'required' },
      });
      assert.equal(created.statusCode, 201, created.body);
      const app = created.json();
      assert.deepEqual(app.token_exchange, {
        allowed_resources: [USERS_API],
        allowed_subject_clients: null,
        actor_token: 'required',
      });
      assert.deepEqual(app.grant_types, [EXCHANGE]);

      const plain = await api('POST', '/apps', { name: 'Plain', scopes: ['users.read'] });
      assert.equal(plain.json().token_exchange, null);
      // Setting a policy allows the grant type too.
      const opened = await api('PATCH', `/apps/${plain.json().id}`, {
        token_exchange: {
          allowed_resources: [USERS_API, SHIFTS_API],
          allowed_subject_clients: [app.client_id],
        },
      });
      assert.equal(opened.statusCode, 200, opened.body);
      assert.deepEqual(opened.json().grant_types, ['client_credentials', EXCHANGE]);
      assert.deepEqual(opened.json().token_exchange, {
        allowed_resources: [USERS_API, SHIFTS_API],
        allowed_subject_clients: [app.client_id],
        actor_token: 'allowed',
      });
      const [event] = (
        await t.gh.audit.list(t.companyId, { action: 'app.updated', target: `app:${plain.json().id}` })
      ).items;
      assert.ok(event?.data.changes && 'token_exchange' in (event.data.changes as object));

      const closed = await api('PATCH', `/apps/${plain.json().id}`, { token_exchange: null });
      assert.equal(closed.statusCode, 200, closed.body);
      assert.deepEqual(closed.json().grant_types, ['client_credentials']);
      assert.equal(closed.json().token_exchange, null);
      assert.equal((await api('GET', `/apps/${app.id}`)).json().token_exchange.actor_token, 'required');
    });

    it('400 naming token_exchange problems', async () => {
      const unknown = await api('POST', '/apps', {
        name: 'Bad',
        scopes: ['users.read'],
        grant_types: [EXCHANGE],
        token_exchange: { allowed_resources: ['https://nope.example/api'] },
      });
      assert.equal(unknown.statusCode, 400, unknown.body);
      assert.match(unknown.json().fields.token_exchange, /not a resource of the scope catalog/);
      const missing = await api('POST', '/apps', {
        name: 'Bad',
        scopes: ['users.read'],
        grant_types: [EXCHANGE],
      });
      assert.equal(missing.statusCode, 400, missing.body);
      assert.match(missing.json().fields.token_exchange, /needs a policy/);
      const shape = await api('POST', '/apps', {
        name: 'Bad',
        scopes: ['users.read'],
        token_exchange: { allowed_resources: [USERS_API], actor_token: 'maybe' },
      });
      assert.equal(shape.statusCode, 400, shape.body);
    });
  });
});

describe('token-exchange policy in the CLI (sqlite)', () => {
  let dir: string;
  let env: Record<string, string>;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-exchange-'));
    const catalog = join(dir, 'catalog.json');
    writeFileSync(
      catalog,
      JSON.stringify({
        plain: [{ name: 'shifts_read', description: 'Read shifts' }],
        features: [{ name: 'users', label: 'Users', permissions: ['read', 'write'] }],
        resources: CATALOG.resources,
      }),
    );
    env = {
      DATABASE_URL: `sqlite:${join(dir, 'cli.db')}`,
      GATEHOUSE_DATA_DIR: dir,
      GATEHOUSE_SECRET: TEST_SECRET,
      GATEHOUSE_SCOPE_CATALOG: catalog,
    };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('app create and app update set, show and remove the policy', async () => {
    const company = await runCli(['company', 'create', '--name', 'Acme', '--json'], env);
    assert.equal(company.code, 0, company.stderr);
    const companyId = company.json<{ id: string }>().id;
    const created = await runCli(
      [
        'app',
        'create',
        '--company',
        companyId,
        '--name',
        'Gateway',
        '--scopes',
        'users.read',
        '--exchange-resource',
        USERS_API,
        '--exchange-actor-token',
        'forbidden',
        '--json',
      ],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    const app = created.json<{ id: string; grant_types: string[]; token_exchange: unknown }>();
    assert.deepEqual(app.grant_types, ['client_credentials', EXCHANGE]);
    assert.deepEqual(app.token_exchange, {
      allowed_resources: [USERS_API],
      allowed_subject_clients: null,
      actor_token: 'forbidden',
    });
    const updated = await runCli(
      ['app', 'update', app.id, '--exchange-resource', SHIFTS_API, '--exchange-subject-client', 'cl_front'],
      env,
    );
    assert.equal(updated.code, 0, updated.stderr);
    assert.match(
      updated.stdout,
      /Token exchange:\s+for https:\/\/api.example.com\/shifts; subject tokens of cl_front; actor token allowed/,
    );
    const off = await runCli(['app', 'update', app.id, '--token-exchange', 'off', '--json'], env);
    assert.equal(off.code, 0, off.stderr);
    assert.equal(off.json<{ token_exchange: unknown }>().token_exchange, null);
    assert.deepEqual(off.json<{ grant_types: string[] }>().grant_types, ['client_credentials']);
    const lonely = await runCli(['app', 'update', app.id, '--exchange-actor-token', 'required'], env);
    assert.equal(lonely.code, 2);
    assert.match(lonely.stderr, /need --exchange-resource/);
  });
});

describe('token-exchange policy in the console (sqlite)', () => {
  let t: DialectServer;
  let admin: Awaited<ReturnType<typeof signedIn>>;
  const BOUNDARY = 'exchangeboundary';
  const multipart = (fields: Record<string, string>) =>
    Buffer.concat([
      ...Object.entries(fields).map(([k, v]) =>
        Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
      ),
      Buffer.from(`--${BOUNDARY}--\r\n`),
    ]);
  const page = (appId: string, suffix = '') =>
    t.http.inject({
      method: 'GET',
      url: `/console/c/${t.companyId}/apps/${appId}${suffix}`,
      headers: { cookie: admin.cookie },
    });
  const save = (appId: string, fields: Record<string, string>) =>
    t.http.inject({
      method: 'POST',
      url: `/console/c/${t.companyId}/apps/${appId}/edit`,
      headers: { cookie: admin.cookie, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: multipart({
        csrf_token: admin.csrf,
        name: 'Gateway',
        token_ttl: '3600',
        token_format: 'jwt',
        signing_alg: 'ES256',
        ...fields,
      }),
    });

  before(async () => {
    t = await dialectServer('sqlite', { scopeCatalog: CATALOG });
    admin = await signedIn(t, t.companyId, 'admin');
  });
  after(() => t.close());

  it('the Edit page turns token exchange on with a policy, shows it, names a bad resource, turns it off', async () => {
    const app = await t.createApp({ name: 'Gateway', scopes: ['users.read'] });
    const form = await page(app.appId, '/edit');
    assert.equal(form.statusCode, 200, form.body);
    assert.match(form.body, /<label for="token_exchange">Allow this app to exchange tokens/);

    const on = await save(app.appId, {
      token_exchange: 'on',
      exchange_resources: `${USERS_API}\r\n${SHIFTS_API}`,
      exchange_subjects: 'cl_front',
      exchange_actor_token: 'required',
    });
    assert.equal(on.statusCode, 303, on.body);
    const saved = await t.gh.apps.get(t.companyId, app.appId);
    assert.deepEqual(saved.tokenExchange, {
      allowedResources: [USERS_API, SHIFTS_API],
      allowedSubjectClients: ['cl_front'],
      actorToken: 'required',
    });
    assert.ok(saved.grantTypes.includes(EXCHANGE));
    const detail = await page(app.appId);
    assert.match(
      detail.body,
      /<dt>Token exchange<\/dt><dd>For https:\/\/api.example.com\/users, https:\/\/api.example.com\/shifts · subject tokens of cl_front · actor token required/,
    );

    const bad = await save(app.appId, {
      token_exchange: 'on',
      exchange_resources: 'https://nope.example/api',
    });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.match(bad.body, /Token exchange/);
    assert.match(bad.body, /not a resource of the scope catalog/);

    const off = await save(app.appId, {});
    assert.equal(off.statusCode, 303, off.body);
    const cleared = await t.gh.apps.get(t.companyId, app.appId);
    assert.equal(cleared.tokenExchange, null);
    assert.ok(!cleared.grantTypes.includes(EXCHANGE));
  });

  it('the audit log offers token.exchanged and shows who exchanged what', async () => {
    await t.gh.storage.appendAuditEvent({
      companyId: t.companyId,
      actor: 'app:app_gateway',
      action: 'token.exchanged',
      target: 'app:app_gateway',
      data: { subject: 'usr_ada', resource: USERS_API, scopes: ['users.read'] },
    });
    const res = await t.http.inject({
      method: 'GET',
      url: `/console/c/${t.companyId}/audit?action=token.exchanged`,
      headers: { cookie: admin.cookie },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /<option value="token.exchanged" selected>Token exchanged<\/option>/);
    assert.match(res.body, /usr_ada · https:\/\/api.example.com\/users · users.read/);
  });
});
