import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Config, loadConfig } from '../src/config/index.ts';
import { TooManyRequestsError } from '../src/errors.ts';
import { ClientAuthThrottle, DEFAULT_CLIENT_AUTH_THROTTLE } from '../src/http/client-auth-throttle.ts';
import { basic, FORM, type TestServer, testServer } from './helpers.ts';
import { forDialects, type TestDatabase, withTestPostgres } from './pg.ts';

/** Budgets that do not refill within a test, however slow the box. */
const HOUR = 1 / 3600;
const A = '203.0.113.7';
const B = '198.51.100.20';
const C = '192.0.2.99';

type App = { appId: string; clientId: string; clientSecret: string };

/** A server that allows 10 failures per client and address and `perIpBurst` per address, no refill. */
function serverWithFailureBudgets(perIpBurst: number, config: Partial<Config> = {}): Promise<TestServer> {
  return testServer({
    config: {
      ...config,
      clientAuthThrottle: {
        perClientAddress: { perSecond: HOUR, burst: 10 },
        perIp: { perSecond: HOUR, burst: perIpBurst },
      },
    },
  });
}

function post(
  t: TestServer,
  from: string,
  payload: string,
  headers: Record<string, string> = {},
  url = '/oauth2/token',
) {
  return t.http.inject({
    method: 'POST',
    url,
    remoteAddress: from,
    headers: { ...FORM, ...headers },
    payload,
  });
}

const token = (t: TestServer, from: string, id: string, secret: string) =>
  post(t, from, 'grant_type=client_credentials', { authorization: basic(id, secret) });

/** Wraps the service's secret check with a counter: how often a secret was compared at all. */
function countSecretChecks(t: TestServer): { readonly count: number } {
  const apps = t.gh.apps;
  const check = apps.authenticateConfidential.bind(apps);
  const counter = { count: 0 };
  apps.authenticateConfidential = (clientId, secret) => {
    counter.count++;
    return check(clientId, secret);
  };
  return counter;
}

describe('client authentication failures are throttled (unit, with a clock)', () => {
  it('the defaults: 10 failures per client and address, then one per 5 s; others unaffected', () => {
    const th = new ClientAuthThrottle();
    const fail = (id: string, ip: string, now: number) => {
      th.attempt(id, ip, now).settle(true);
    };
    for (let i = 0; i < 10; i++) fail('cl_x', A, 0);
    assert.throws(
      () => th.attempt('cl_x', A, 0),
      (e: unknown) => e instanceof TooManyRequestsError && e.headers['Retry-After'] === '5',
    );
    th.attempt('cl_x', B, 0); // another address: its own budget
    th.attempt('cl_y', A, 0); // another client from A: the address still has budget
    assert.throws(() => th.attempt('cl_x', A, 4_999), TooManyRequestsError);
    fail('cl_x', A, 5_000); // one more after 5 s
    assert.throws(() => th.attempt('cl_x', A, 5_000), TooManyRequestsError);
    assert.deepEqual(DEFAULT_CLIENT_AUTH_THROTTLE.perClientAddress, { perSecond: 0.2, burst: 10 });
  });

  it('a success gives its attempt back; a refused attempt takes nothing', () => {
    const th = new ClientAuthThrottle({
      perClientAddress: { perSecond: HOUR, burst: 2 },
      perIp: { perSecond: HOUR, burst: 3 },
    });
    for (let i = 0; i < 100; i++) {
      th.attempt('cl_x', A, 0).settle(false);
    }
    th.attempt('cl_x', A, 0).settle(true);
    th.attempt('cl_x', A, 0).settle(true);
    // The pair is spent; the refusal must not take from the address's budget (1 left).
    for (let i = 0; i < 5; i++) assert.throws(() => th.attempt('cl_x', A, 0), /for this client/);
    th.attempt('cl_other', A, 0).settle(true);
    assert.throws(() => th.attempt('cl_third', A, 0), /from this address/);
  });

  it('holds when attempts overlap: taken before the outcome is known', () => {
    const th = new ClientAuthThrottle({
      perClientAddress: { perSecond: HOUR, burst: 10 },
      perIp: { perSecond: HOUR, burst: 100 },
    });
    let allowed = 0;
    for (let i = 0; i < 50; i++) {
      try {
        th.attempt('cl_x', A, 0); // none settled yet: all fifty in flight at once
        allowed++;
      } catch (e) {
        assert.ok(e instanceof TooManyRequestsError);
      }
    }
    assert.equal(allowed, 10);
  });

  it('a rate of 0 turns a budget off', () => {
    const th = new ClientAuthThrottle({
      perClientAddress: { perSecond: 0, burst: 1 },
      perIp: { perSecond: 0, burst: 1 },
    });
    for (let i = 0; i < 1000; i++) {
      th.attempt('cl_x', A, 0).settle(true);
    }
  });

  it('GATEHOUSE_CLIENT_AUTH_FAILURES_CLIENT and _IP are parsed, with the defaults', () => {
    const base = { GATEHOUSE_SECRET: 'x'.repeat(32), GATEHOUSE_DATA_DIR: '/nonexistent-gatehouse' };
    assert.deepEqual(loadConfig({ env: base }).clientAuthThrottle, DEFAULT_CLIENT_AUTH_THROTTLE);
    const c = loadConfig({
      env: {
        ...base,
        GATEHOUSE_CLIENT_AUTH_FAILURES_CLIENT: '0.1,5',
        GATEHOUSE_CLIENT_AUTH_FAILURES_IP: '2,50',
      },
    }).clientAuthThrottle;
    assert.deepEqual(c, {
      perClientAddress: { perSecond: 0.1, burst: 5 },
      perIp: { perSecond: 2, burst: 50 },
    });
    assert.throws(
      () => loadConfig({ env: { ...base, GATEHOUSE_CLIENT_AUTH_FAILURES_IP: 'many' } }),
      /GATEHOUSE_CLIENT_AUTH_FAILURES_IP/,
    );
  });
});

describe('a stranger cannot spend a client allowance (break 3)', () => {
  let t: TestServer;
  let app: App;
  before(async () => {
    t = await testServer({
      config: {
        tokenRateLimit: {
          perClient: { perSecond: 5, burst: 5 },
          perIp: { perSecond: 10_000, burst: 20_000 },
        },
      },
    });
    app = await t.createApp();
  });
  after(() => t.close());

  it('wrong secrets and unknown grant types from A leave the real client at B all its requests', async () => {
    const fromB: number[] = [];
    const stranger: { status: number; error: string; description: string }[] = [];
    const keep = (res: Awaited<ReturnType<typeof post>>) => {
      const body = res.json();
      stranger.push({ status: res.statusCode, error: body.error, description: body.error_description });
    };
    for (let round = 0; round < 5; round++) {
      // The stranger knows only the client_id: wrong secrets over Basic and in the body, an
      // unsupported grant type, and the revocation and introspection endpoints.
      for (let i = 0; i < 3; i++) keep(await token(t, A, app.clientId, `gths_guess_${round}_${i}`));
      keep(await post(t, A, `grant_type=nonsense&client_id=${app.clientId}&client_secret=x`));
      keep(await post(t, A, `grant_type=client_credentials&client_id=${app.clientId}&client_secret=x`));
      for (const url of ['/oauth2/revoke', '/oauth2/introspect'])
        keep(await post(t, A, 'token=abc', { authorization: basic(app.clientId, 'wrong') }, url));
      fromB.push((await token(t, B, app.clientId, app.clientSecret)).statusCode);
    }
    assert.deepEqual(fromB, [200, 200, 200, 200, 200]);
    // The stranger got what a stranger gets: refusals, and 429 only from the failure budget.
    for (const r of stranger) {
      if (r.error === 'unsupported_grant_type') continue;
      if (r.status === 429) assert.match(r.description, /too many failed authentications for this client/);
      else assert.equal(r.error, 'invalid_client');
    }
    assert.equal(stranger.filter((r) => r.error === 'unsupported_grant_type').length, 5);
    assert.equal(stranger.filter((r) => r.error === 'invalid_client').length, 10, 'the failure budget');
  });

  it('the client allowance still brakes the client itself once it has authenticated', async () => {
    const own = await t.createApp();
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push((await token(t, B, own.clientId, own.clientSecret)).statusCode);
    // A burst of 5; a slow box may refill a token or two meanwhile, never eight.
    assert.ok(codes.filter((c) => c === 200).length >= 5, String(codes));
    assert.ok(codes.includes(429), String(codes));
  });
});

describe('a brute force of one client secret', () => {
  let t: TestServer;
  let app: App;
  before(async () => {
    t = await serverWithFailureBudgets(1000);
    app = await t.createApp();
  });
  after(() => t.close());

  it('is 429 after the failure budget, before the secret is compared, with Retry-After', async () => {
    const checks = countSecretChecks(t);
    for (let i = 0; i < 10; i++)
      assert.equal((await token(t, A, app.clientId, `gths_guess_${i}`)).statusCode, 401);
    assert.equal(checks.count, 10);
    const refused = await token(t, A, app.clientId, 'gths_guess_10');
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.json().error, 'too_many_requests');
    assert.match(refused.json().error_description, /too many failed authentications for this client/);
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    assert.equal(refused.headers['cache-control'], 'no-store');
    // Even the right secret is refused from A now: nothing was compared.
    const right = await token(t, A, app.clientId, app.clientSecret);
    assert.equal(right.statusCode, 429);
    const viaPost = await post(
      t,
      A,
      `grant_type=client_credentials&client_id=${app.clientId}&client_secret=x`,
    );
    assert.equal(viaPost.statusCode, 429);
    assert.equal(checks.count, 10, 'no secret was compared after the budget was spent');
    // The client itself, from its own address, is unaffected.
    assert.equal((await token(t, B, app.clientId, app.clientSecret)).statusCode, 200);
  });

  it('parallel guesses get no more than the budget', async () => {
    const target = await t.createApp();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => token(t, C, target.clientId, `gths_parallel_${i}`)),
    );
    const codes = results.map((r) => r.statusCode);
    assert.equal(codes.filter((c) => c === 401).length, 10, String(codes));
    assert.equal(codes.filter((c) => c === 429).length, 30, String(codes));
  });
});

describe('the per-address failure budget spans client_ids', () => {
  let t: TestServer;
  let app: App;
  before(async () => {
    t = await serverWithFailureBudgets(20);
    app = await t.createApp();
  });
  after(() => t.close());

  it('one address walking through many client_ids is 429 after 20 failures in all', async () => {
    const checks = countSecretChecks(t);
    const codes: number[] = [];
    for (let i = 0; i < 25; i++) codes.push((await token(t, A, `cl_walk_${i}`, 'gths_guess')).statusCode);
    assert.deepEqual(codes, [...Array(20).fill(401), ...Array(5).fill(429)]);
    const last = await token(t, A, 'cl_walk_99', 'gths_guess');
    assert.match(last.json().error_description, /too many failed client authentications from this address/);
    assert.equal(checks.count, 20);
    // The address is spent for every client, the right secret included...
    assert.equal((await token(t, A, app.clientId, app.clientSecret)).statusCode, 429);
    // ...and no other address is.
    assert.equal((await token(t, C, 'cl_walk_0', 'gths_guess')).statusCode, 401);
    assert.equal((await token(t, C, app.clientId, app.clientSecret)).statusCode, 200);
  });

  it('successes spend nothing', async () => {
    const own = await t.createApp();
    for (let i = 0; i < 40; i++)
      assert.equal((await token(t, B, own.clientId, own.clientSecret)).statusCode, 200);
    assert.equal((await token(t, B, own.clientId, 'gths_wrong')).statusCode, 401);
  });
});

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`parallel guesses against an app not yet cached (${dialect})`, { skip: skip || false }, () => {
    let db: TestDatabase | undefined;
    let t: TestServer;
    before(async () => {
      if (dialect === 'postgres') db = await withTestPostgres();
      t = await serverWithFailureBudgets(1000, db ? { databaseUrl: db.url } : {});
    });
    after(async () => {
      await t?.close();
      await db?.cleanup();
    });

    it('the budget holds while the app is read from the database', async () => {
      // Creating an app evicts its client_id: the first guesses all wait on the same read.
      const target = await t.createApp();
      const codes = (
        await Promise.all(Array.from({ length: 30 }, (_, i) => token(t, A, target.clientId, `gths_p_${i}`)))
      ).map((r) => r.statusCode);
      assert.equal(codes.filter((c) => c === 401).length, 10, String(codes));
      assert.equal(codes.filter((c) => c === 429).length, 20, String(codes));
    });
  });
});
