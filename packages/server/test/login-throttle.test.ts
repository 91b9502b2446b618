import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LoginThrottle } from '../src/authorization/login-throttle.ts';
import { Browser, field } from './browser.ts';
import { type TestServer, testServer } from './helpers.ts';

const PASSWORD = 'correct horse battery staple';

describe('sign-in throttling', () => {
  let t: TestServer;
  before(async () => {
    t = await testServer({
      config: {
        loginThrottle: { perAccount: { perSecond: 1 / 60, burst: 3 }, perIp: { perSecond: 1, burst: 100 } },
      },
    });
    for (const email of ['victim@acme.test', 'bystander@acme.test'])
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

  it('a success clears the account count', () => {
    const throttle = new LoginThrottle({
      perAccount: { perSecond: 0.001, burst: 2 },
      perIp: { perSecond: 1, burst: 100 },
    });
    throttle.failed('a@x.test', '10.0.0.1', 0);
    throttle.succeeded('a@x.test');
    throttle.failed('a@x.test', '10.0.0.1', 0);
    assert.equal(throttle.wait('a@x.test', '10.0.0.1', 0), 0);
    throttle.failed('a@x.test', '10.0.0.1', 0);
    assert.ok(throttle.wait('a@x.test', '10.0.0.1', 0) > 0);
  });

  it('one address cannot walk through many accounts', () => {
    const throttle = new LoginThrottle({
      perAccount: { perSecond: 1, burst: 100 },
      perIp: { perSecond: 0.001, burst: 5 },
    });
    for (let i = 0; i < 5; i++) throttle.failed(`user${i}@x.test`, '10.0.0.9', 0);
    assert.ok(throttle.wait('fresh@x.test', '10.0.0.9', 0) > 0);
    assert.equal(throttle.wait('fresh@x.test', '10.0.0.10', 0), 0);
  });
});
