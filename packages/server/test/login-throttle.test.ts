import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { LoginThrottle } from '../src/authorization/login-throttle.ts';
import { loadConfig } from '../src/config/index.ts';
import { Browser, field } from './browser.ts';
import { type TestServer, testServer } from './helpers.ts';

const PASSWORD = 'correct horse battery staple';

/** A failed attempt, as the sign-in service settles one (the throttle must have admitted it). */
function fail(throttle: LoginThrottle, email: string, ip: string, now: number) {
  const attempt = throttle.begin(email, ip, now);
  assert.equal(attempt.refused, undefined, `${email} from ${ip} was admitted`);
  if (!attempt.refused) attempt.failed();
}

/** A sign-in page's session cookie and CSRF token, to post from any address. */
async function loginForm(http: FastifyInstance) {
  const res = await http.inject({ method: 'GET', url: '/login' });
  const cookie = [res.headers['set-cookie'] ?? []]
    .flat()
    .map((line) => String(line).split(';')[0])
    .join('; ');
  return { cookie, csrf: field(res.body, 'csrf_token') };
}

function postLogin(
  http: FastifyInstance,
  form: { cookie: string; csrf: string },
  ip: string,
  email: string,
  password: string,
) {
  return http.inject({
    method: 'POST',
    url: '/login',
    remoteAddress: ip,
    headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ csrf_token: form.csrf, email, password }).toString(),
  });
}

describe('sign-in throttling', () => {
  let t: TestServer;
  before(async () => {
    t = await testServer({
      config: {
        loginThrottle: {
          perAccount: { perSecond: 1 / 60, burst: 3 },
          perIp: { perSecond: 1, burst: 100 },
          inFlight: { perAccount: 1, perIp: 100 },
        },
      },
    });
    for (const email of ['victim@acme.test', 'bystander@acme.test', 'target@acme.test'])
      await t.gh.companies.createUser(
        { email, password: PASSWORD, companyId: t.companyId, role: 'admin' },
        'test',
      );
  });
  after(() => t.close());

  async function attempt(b: Browser, email: string, password: string) {
    const page = (await b.follow('GET', '/login')).res.body;
    return b.request('POST', '/login', { csrf_token: field(page, 'csrf_token'), email, password });
  }

  it('after the allowed failures, even the right password waits (429, Retry-After); others are unaffected', async () => {
    const b = new Browser(t.http);
    for (let i = 0; i < 3; i++) {
      const res = await attempt(b, 'victim@acme.test', 'wrong password');
      assert.equal(res.statusCode, 303);
      assert.match(String(res.headers.location), /error=invalid/);
    }
    const blocked = await attempt(b, 'Victim@Acme.test', PASSWORD);
    assert.equal(blocked.statusCode, 429);
    assert.ok(Number(blocked.headers['retry-after']) >= 1);
    assert.match(blocked.body, /Too many failed sign-in attempts/);
    assert.match(String(blocked.headers['content-type']), /text\/html/);

    const other = await attempt(new Browser(t.http), 'bystander@acme.test', PASSWORD);
    assert.equal(other.statusCode, 303);
    assert.doesNotMatch(String(other.headers.location), /error/);
  });

  it('parallel wrong passwords over HTTP: one hash at a time per account, the burst at most, the rest 429 at once', async () => {
    const form = await loginForm(t.http);
    const hashes = t.gh.scryptPool.completed;
    const statuses: number[] = [];
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          postLogin(t.http, form, `10.0.9.${i}`, 'target@acme.test', 'nope'),
        ),
      );
      for (const res of answers) {
        statuses.push(res.statusCode);
        if (res.statusCode === 303) assert.match(String(res.headers.location), /error=invalid/);
        else {
          assert.equal(res.statusCode, 429);
          assert.ok(Number(res.headers['retry-after']) >= 1);
          assert.match(res.body, /Too many (failed )?sign-in attempts/);
        }
      }
    }
    // One evaluated per round (in-flight cap 1), three rounds: exactly the burst of 3.
    assert.equal(statuses.filter((s) => s === 303).length, 3);
    assert.equal(t.gh.scryptPool.completed - hashes, 3);
    const after = await postLogin(t.http, form, '10.0.9.9', 'target@acme.test', PASSWORD);
    assert.equal(after.statusCode, 429);
    assert.match(after.body, /Too many failed sign-in attempts/);
  });

  it('a success clears the account count', () => {
    const throttle = new LoginThrottle({
      perAccount: { perSecond: 0.001, burst: 2 },
      perIp: { perSecond: 1, burst: 100 },
    });
    fail(throttle, 'a@x.test', '10.0.0.1', 0);
    const success = throttle.begin('A@x.test', '10.0.0.1', 0);
    assert.equal(success.refused, undefined);
    if (!success.refused) success.succeeded(0);
    fail(throttle, 'a@x.test', '10.0.0.1', 0);
    assert.equal(throttle.wait('a@x.test', '10.0.0.1', 0), 0);
    fail(throttle, 'a@x.test', '10.0.0.1', 0);
    assert.ok(throttle.wait('a@x.test', '10.0.0.1', 0) > 0);
    assert.equal(throttle.begin('a@x.test', '10.0.0.1', 0).refused, 'rate');
  });

  it('one address cannot walk through many accounts', () => {
    const throttle = new LoginThrottle({
      perAccount: { perSecond: 1, burst: 100 },
      perIp: { perSecond: 0.001, burst: 5 },
    });
    for (let i = 0; i < 5; i++) fail(throttle, `user${i}@x.test`, '10.0.0.9', 0);
    assert.ok(throttle.wait('fresh@x.test', '10.0.0.9', 0) > 0);
    assert.equal(throttle.wait('fresh@x.test', '10.0.0.10', 0), 0);
  });

  it('the tokens are taken when the attempt starts: parallel attempts cannot all pass one check', () => {
    const throttle = new LoginThrottle({
      perAccount: { perSecond: 0.001, burst: 2 },
      perIp: { perSecond: 1, burst: 100 },
      inFlight: { perAccount: 10, perIp: 10 },
    });
    const started = Array.from({ length: 5 }, () => throttle.begin('a@x.test', '10.0.0.1', 0));
    assert.deepEqual(
      started.map((a) => a.refused ?? 'admitted'),
      ['admitted', 'admitted', 'rate', 'rate', 'rate'],
    );
  });

  it('attempts in flight are capped per account and per address, and leave the count when settled', () => {
    const throttle = new LoginThrottle({
      perAccount: { perSecond: 1, burst: 100 },
      perIp: { perSecond: 1, burst: 100 },
      inFlight: { perAccount: 1, perIp: 2 },
    });
    const first = throttle.begin('a@x.test', '10.0.0.1', 0);
    assert.deepEqual(throttle.begin('A@x.test', '10.0.0.2', 0), { refused: 'in-flight', retryAfter: 1 });
    const second = throttle.begin('b@x.test', '10.0.0.1', 0);
    assert.equal(throttle.begin('c@x.test', '10.0.0.1', 0).refused, 'in-flight');
    assert.equal(throttle.begin('c@x.test', '10.0.0.3', 0).refused, undefined);
    if (!first.refused) first.failed();
    // Settling twice is harmless: it must not free a place someone else holds.
    if (!first.refused) first.succeeded(0);
    assert.equal(throttle.begin('a@x.test', '10.0.0.1', 0).refused, undefined);
    assert.equal(throttle.begin('d@x.test', '10.0.0.1', 0).refused, 'in-flight');
    if (!second.refused) second.abandoned(0);
  });

  it('a success and an attempt never checked give their tokens back; a failure keeps them spent', () => {
    const throttle = new LoginThrottle({
      perAccount: { perSecond: 0.001, burst: 1 },
      perIp: { perSecond: 0.001, burst: 1 },
      inFlight: { perAccount: 5, perIp: 5 },
    });
    for (const settle of ['succeeded', 'abandoned'] as const) {
      const attempt = throttle.begin('a@x.test', '10.0.0.1', 0);
      assert.equal(attempt.refused, undefined);
      assert.equal(throttle.begin('a@x.test', '10.0.0.1', 0).refused, 'rate', 'the token is taken up front');
      if (!attempt.refused) attempt[settle](0);
      assert.equal(throttle.wait('a@x.test', '10.0.0.1', 0), 0, `${settle}: both tokens back`);
    }
    fail(throttle, 'a@x.test', '10.0.0.1', 0);
    assert.ok(throttle.wait('a@x.test', '10.0.0.1', 0) > 0);
    assert.ok(throttle.wait('b@x.test', '10.0.0.1', 0) > 0, 'the address token stays spent too');
  });

  it('the settings read their variables and refuse nonsense', () => {
    const env = {
      GATEHOUSE_SECRET: 'x'.repeat(32),
      GATEHOUSE_SCRYPT_THREADS: '3',
      GATEHOUSE_SCRYPT_QUEUE: '0',
      GATEHOUSE_LOGIN_IN_FLIGHT_ACCOUNT: '1',
      GATEHOUSE_LOGIN_IN_FLIGHT_IP: '6',
    };
    const config = loadConfig({ env });
    assert.deepEqual(config.passwordHashing, { threads: 3, queueLimit: 0 });
    assert.deepEqual(config.loginThrottle.inFlight, { perAccount: 1, perIp: 6 });
    const defaults = loadConfig({ env: { GATEHOUSE_SECRET: 'x'.repeat(32) } });
    assert.ok(defaults.passwordHashing.threads >= 1 && defaults.passwordHashing.threads <= 2);
    assert.equal(defaults.passwordHashing.queueLimit, 32);
    assert.deepEqual(defaults.loginThrottle.inFlight, { perAccount: 2, perIp: 4 });
    for (const [name, value] of [
      ['GATEHOUSE_SCRYPT_THREADS', '0'],
      ['GATEHOUSE_SCRYPT_QUEUE', '-1'],
      ['GATEHOUSE_LOGIN_IN_FLIGHT_ACCOUNT', '1.5'],
      ['GATEHOUSE_LOGIN_IN_FLIGHT_IP', 'many'],
    ] as const)
      assert.throws(() => loadConfig({ env: { ...env, [name]: value } }), new RegExp(name));
  });
});

describe('sign-in when every scrypt thread is busy', () => {
  let t: TestServer;
  before(async () => {
    t = await testServer({ config: { passwordHashing: { threads: 1, queueLimit: 0 } } });
    for (const email of ['first@acme.test', 'second@acme.test'])
      await t.gh.companies.createUser(
        { email, password: PASSWORD, companyId: t.companyId, role: 'admin' },
        'test',
      );
  });
  after(() => t.close());

  it('answers 503 with Retry-After and the sign-in page at once, instead of queueing', async () => {
    const form = await loginForm(t.http);
    const first = postLogin(t.http, form, '10.0.8.1', 'first@acme.test', PASSWORD);
    for (let i = 0; i < 100_000 && t.gh.scryptPool.running === 0; i++)
      await new Promise((r) => setTimeout(r, 5));
    const busy = await postLogin(t.http, form, '10.0.8.2', 'second@acme.test', PASSWORD);
    assert.equal(busy.statusCode, 503);
    assert.ok(Number(busy.headers['retry-after']) >= 1);
    assert.match(String(busy.headers['content-type']), /text\/html/);
    assert.match(busy.body, /Sign-in is busy right now/);
    const res = await first;
    assert.equal(res.statusCode, 303);
    assert.doesNotMatch(String(res.headers.location), /error/);
  });
});

describe('sign-in during a burst from another address', () => {
  let t: TestServer;
  before(async () => {
    t = await testServer({
      config: {
        passwordHashing: { threads: 1, queueLimit: 32 },
        loginThrottle: {
          perAccount: { perSecond: 1, burst: 100 },
          perIp: { perSecond: 1, burst: 100 },
          inFlight: { perAccount: 10, perIp: 10 },
        },
      },
    });
    for (const email of ['victim@acme.test', 'bystander@acme.test'])
      await t.gh.companies.createUser(
        { email, password: PASSWORD, companyId: t.companyId, role: 'admin' },
        'test',
      );
  });
  after(() => t.close());

  it("waits behind the burst's running hash only, not behind the whole burst", async () => {
    const form = await loginForm(t.http);
    const finished: string[] = [];
    const burst = Array.from({ length: 4 }, () =>
      postLogin(t.http, form, '10.6.6.6', 'victim@acme.test', 'guess').then((res) => {
        finished.push('attacker');
        return res;
      }),
    );
    const pool = t.gh.scryptPool;
    for (let i = 0; i < 100_000 && !(pool.running === 1 && pool.queued === 3); i++)
      await new Promise((r) => setTimeout(r, 5));
    assert.equal(pool.queued, 3, 'the burst is queued');
    const mine = await postLogin(
      t.http,
      await loginForm(t.http),
      '10.0.7.1',
      'bystander@acme.test',
      PASSWORD,
    );
    finished.push('bystander');
    assert.equal(mine.statusCode, 303);
    assert.doesNotMatch(String(mine.headers.location), /error/);
    // One of the burst's hashes was running when the bystander came (two, should it end just as
    // the bystander's request reaches the pool); in arrival order all four ran first.
    assert.ok(finished.indexOf('bystander') <= 2, finished.join(', '));
    for (const res of await Promise.all(burst)) assert.match(String(res.headers.location), /error=invalid/);
  });
});
