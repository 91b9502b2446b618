import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clientCredentials, OAuthError, ResponseError } from '../src/index.ts';
import { claims, type LiveGatehouse, liveGatehouse } from './live.ts';

const TOKEN = '/oauth2/token';

describe('clientCredentials against a real Gatehouse', () => {
  let gh: LiveGatehouse;
  let app: { clientId: string; clientSecret: string };

  before(async () => {
    gh = await liveGatehouse({ minTokenTtlSeconds: 2 });
    app = await gh.ts.createApp({ scopes: ['users.read', 'users.write'] });
  });
  after(() => gh.close());

  test('1,000 concurrent getToken() calls cause exactly one token request', async () => {
    const source = clientCredentials({ issuer: gh.issuer, ...app, scope: 'users.read' });
    const before = gh.count(TOKEN);
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => source.getToken()));
    assert.equal(gh.count(TOKEN) - before, 1);
    assert.equal(new Set(tokens).size, 1);
    assert.equal(claims(tokens[0] as string).scope, 'users.read');
    // Cached: later calls send nothing.
    assert.equal(await source.getToken(), tokens[0]);
    assert.equal(gh.count(TOKEN) - before, 1);
    assert.equal(gh.count('/.well-known/oauth-authorization-server') >= 1, true);
  });

  test('basic and post client authentication both work; wrong secrets fail fast as OAuthError', async () => {
    const endpoint = `${gh.issuer}${TOKEN}`;
    for (const auth of ['basic', 'post'] as const) {
      const token = await clientCredentials({ tokenEndpoint: endpoint, ...app, auth }).getToken();
      assert.equal(claims(token).client_id, app.clientId);
    }
    for (const auth of ['basic', 'post'] as const) {
      const before = gh.count(TOKEN);
      const bad = clientCredentials({
        tokenEndpoint: endpoint,
        clientId: app.clientId,
        clientSecret: 'wrong',
        auth,
      });
      await assert.rejects(bad.getToken(), (err: unknown) => {
        assert.ok(err instanceof OAuthError);
        assert.equal(err.error, 'invalid_client');
        assert.equal(err.status, 401);
        return true;
      });
      assert.equal(gh.count(TOKEN) - before, 1, 'a 401 from the token endpoint is never retried');
    }
    const badScope = clientCredentials({ tokenEndpoint: endpoint, ...app, scope: 'users.delete' });
    await assert.rejects(
      badScope.getToken(),
      (err: unknown) => err instanceof OAuthError && err.status === 400,
    );
  });

  test('a 2-second token is renewed before it expires and never handed out expired', async () => {
    const short = await gh.ts.createApp({ scopes: ['users.read'], tokenTtl: 2 });
    // Half the lifetime as margin: the renewal request has hundreds of ms to spare on a busy machine.
    const source = clientCredentials({ issuer: gh.issuer, ...short, renewBeforeRatio: 0.5 });
    const handedOut: { token: string; at: number }[] = [];
    const until = Date.now() + 3500;
    while (Date.now() < until) {
      const token = await source.getToken();
      handedOut.push({ token, at: Date.now() });
      await new Promise((r) => setTimeout(r, 20));
    }
    const distinct = [...new Set(handedOut.map((h) => h.token))];
    assert.ok(distinct.length >= 3, `expected at least 3 tokens in 3.5 s, got ${distinct.length}`);
    for (const h of handedOut)
      assert.ok(h.at < claims(h.token).exp * 1000, 'a token was handed out after its exp');
    for (let i = 1; i < distinct.length; i++) {
      const firstUse = handedOut.find((h) => h.token === distinct[i])?.at as number;
      const previousExp = claims(distinct[i - 1] as string).exp * 1000;
      assert.ok(firstUse < previousExp, `token ${i} arrived after token ${i - 1} expired`);
    }
  });
});

describe('retries against a real Gatehouse', () => {
  let gh: LiveGatehouse;
  let app: { clientId: string; clientSecret: string };

  before(async () => {
    gh = await liveGatehouse({
      tokenRateLimit: { perClient: { perSecond: 1, burst: 1 }, perIp: { perSecond: 0, burst: 1 } },
    });
    app = await gh.ts.createApp({ scopes: ['users.read'] });
  });
  after(() => gh.close());

  test("429 from Gatehouse's rate limiter: the retry waits out Retry-After", async () => {
    const endpoint = `${gh.issuer}${TOKEN}`;
    await clientCredentials({ tokenEndpoint: endpoint, ...app }).getToken();
    const before = gh.count(TOKEN);
    const token = await clientCredentials({ tokenEndpoint: endpoint, ...app }).getToken();
    assert.equal(claims(token).client_id, app.clientId);
    const arrivals = gh.arrivals(TOKEN).slice(before);
    assert.ok(arrivals.length >= 2, 'the first try was refused with 429 and retried');
    // Retry-After from the bucket is whole seconds (1 here): never retried sooner.
    assert.ok((arrivals[1] as number) - (arrivals[0] as number) >= 990);
  });

  test('a 503 with Retry-After and a bare 500 are retried; 5xx past the attempts surfaces', async () => {
    const endpoint = `${gh.issuer}${TOKEN}`;
    gh.inject(TOKEN, 1, { status: 503, headers: { 'retry-after': '0' } });
    await new Promise((r) => setTimeout(r, 1100)); // let the 1/s bucket refill
    const before = gh.count(TOKEN);
    const source = clientCredentials({ tokenEndpoint: endpoint, ...app, retry: { baseDelayMs: 50 } });
    assert.equal(claims(await source.getToken()).client_id, app.clientId);
    assert.equal(gh.count(TOKEN) - before, 2);

    gh.inject(TOKEN, 1, { status: 500 });
    await new Promise((r) => setTimeout(r, 1100));
    const second = clientCredentials({ tokenEndpoint: endpoint, ...app, retry: { baseDelayMs: 50 } });
    assert.ok(await second.getToken());

    gh.inject(TOKEN, 3, { status: 502 });
    const failing = clientCredentials({
      tokenEndpoint: endpoint,
      ...app,
      retry: { maxAttempts: 3, baseDelayMs: 20 },
    });
    const start = gh.count(TOKEN);
    await assert.rejects(
      failing.getToken(),
      (err: unknown) => err instanceof ResponseError && err.status === 502,
    );
    assert.equal(gh.count(TOKEN) - start, 3);
  });
});

test('plain http to a host that is not loopback is refused before any request', async () => {
  const source = clientCredentials({
    tokenEndpoint: 'http://auth.example/oauth2/token',
    clientId: 'a',
    clientSecret: 'b',
  });
  await assert.rejects(source.getToken(), /must use https/);
});
