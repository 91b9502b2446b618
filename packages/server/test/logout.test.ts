import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import * as client from 'openid-client';
import { freePort } from '../../../test/helpers/live-gatehouse.ts';
import { JwsSigner } from '../src/keys/jws.ts';
import { BACKCHANNEL_LOGOUT_EVENT } from '../src/tokens/logout-token.ts';
import { Browser, decide, field, signIn } from './browser.ts';
import { type TestServer, testServer } from './helpers.ts';

const PASSWORD = 'correct horse battery staple';
const REDIRECT = 'https://partner.example/cb';
const SIGNED_OUT = 'https://partner.example/signed-out';

/** A relying party's back-channel logout endpoint: a real HTTP server on 127.0.0.1. */
class Receiver {
  readonly tokens: string[] = [];
  private server: Server | undefined;
  constructor(readonly port: number) {}
  get uri() {
    return `http://127.0.0.1:${this.port}/backchannel`;
  }
  async up(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const token = form.get('logout_token');
        if (
          req.method === 'POST' &&
          req.headers['content-type'] === 'application/x-www-form-urlencoded' &&
          token
        ) {
          this.tokens.push(token);
          res.writeHead(200, { 'cache-control': 'no-store' }).end();
        } else res.writeHead(400).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
  }
  async down(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 10_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('OpenID Connect RP-initiated and back-channel logout, driven by openid-client', () => {
  let t: TestServer;
  let issuer: string;
  let userId: string;

  before(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await testServer({
      config: {
        issuer,
        // The webhook outbox's settings, fast: attempts 0.3 s apart.
        webhooks: {
          enabled: true,
          network: 'allow-loopback',
          timeoutMs: 1000,
          pollMs: 50,
          retryScheduleSeconds: [0.3, 0.3, 0.3, 0.3, 0.3, 0.3],
        },
      },
    });
    await t.http.listen({ host: '127.0.0.1', port });
    const user = await t.gh.companies.createUser(
      { email: 'ada@acme.test', password: PASSWORD, companyId: t.companyId, role: 'admin' },
      'test',
    );
    userId = user.id;
  });
  after(() => t.close());

  async function partner(backchannelLogoutUri: string | null = null) {
    const app = await t.createApp({
      name: 'Partner',
      type: 'partner',
      grantTypes: ['authorization_code'],
      scopes: ['users.read'],
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: [SIGNED_OUT],
      backchannelLogoutUri,
    });
    const config = await client.discovery(new URL(issuer), app.clientId, app.clientSecret, undefined, {
      execute: [client.allowInsecureRequests],
    });
    return { app, config };
  }

  /** Signs in through the code flow with openid; returns the browser and the ID token. */
  async function signedIn(config: client.Configuration, b = new Browser(t.http)) {
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid users.read',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'st-in',
      nonce: 'n-1',
    });
    const login = await b.follow('GET', `${url.pathname}${url.search}`);
    const consent = await signIn(b, login.res.body, 'ada@acme.test', PASSWORD);
    const done = consent.location ? consent : await decide(b, consent.res.body, 'grant');
    const tokens = await client.authorizationCodeGrant(config, new URL(done.location as string), {
      pkceCodeVerifier: verifier,
      expectedState: 'st-in',
      expectedNonce: 'n-1',
    });
    return { b, idToken: tokens.id_token as string, claims: tokens.claims() };
  }

  const sessionToken = (b: Browser) => [...b.cookies.values()][0];

  test('discovery advertises the end-session endpoint and back-channel logout', async () => {
    const meta = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
    assert.equal(meta.end_session_endpoint, `${issuer}/oauth2/logout`);
    assert.equal(meta.backchannel_logout_supported, true);
    assert.equal(meta.backchannel_logout_session_supported, true);
    assert.equal(meta.frontchannel_logout_supported, false);
  });

  test('buildEndSessionUrl with id_token_hint, post_logout_redirect_uri and state: back with state, session ended, logout token delivered', async () => {
    const receiver = new Receiver(await freePort());
    await receiver.up();
    try {
      const { app, config } = await partner(receiver.uri);
      const { b, idToken, claims } = await signedIn(config);
      assert.equal(typeof claims?.sid, 'string', 'the ID token carries sid');
      const before = sessionToken(b);
      assert.ok(before && (await t.gh.sessions.load(before)));

      const url = client.buildEndSessionUrl(config, {
        id_token_hint: idToken,
        post_logout_redirect_uri: SIGNED_OUT,
        state: 'bye-1',
      });
      assert.equal(url.pathname, '/oauth2/logout');
      const out = await b.follow('GET', `${url.pathname}${url.search}`);
      assert.equal(out.location, `${SIGNED_OUT}?state=bye-1`);
      assert.equal(await t.gh.sessions.load(before), undefined, 'the session is gone');
      assert.equal(b.cookies.size, 0, 'the cookie is cleared');

      const token = await until('the logout token', () => receiver.tokens[0]);
      const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        issuer,
        audience: app.clientId,
        typ: 'logout+jwt',
        requiredClaims: ['iat', 'exp', 'jti'],
      });
      assert.equal(protectedHeader.typ, 'logout+jwt');
      assert.deepEqual(payload.events, { [BACKCHANNEL_LOGOUT_EVENT]: {} });
      assert.equal(payload.sid, claims?.sid);
      assert.equal(payload.sub, userId);
      assert.equal(payload.nonce, undefined, 'a logout token has no nonce');
    } finally {
      await receiver.down();
    }
  });

  test('a back-channel endpoint that is down: the logout completes at once; retried until it is back', async () => {
    const receiver = new Receiver(await freePort());
    const { app, config } = await partner(receiver.uri);
    const { b, idToken, claims } = await signedIn(config);
    const started = Date.now();
    const out = await b.follow(
      'GET',
      `/oauth2/logout?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: SIGNED_OUT })}`,
    );
    assert.equal(out.location, SIGNED_OUT);
    assert.ok(Date.now() - started < 1000, 'the logout does not wait for the app');

    const retried = await until('two failed attempts', async () => {
      const [l] = await t.gh.storage.listBackchannelLogouts(app.appId);
      return l && l.attempts >= 2 ? l : undefined;
    });
    assert.equal(retried.status, 'pending');
    assert.match(retried.lastError ?? '', /refused/);

    await receiver.up();
    try {
      const delivered = await until('delivery', async () => {
        const [l] = await t.gh.storage.listBackchannelLogouts(app.appId);
        return l?.status === 'delivered' ? l : undefined;
      });
      assert.ok(delivered.attempts >= 3);
      const token = receiver.tokens[0] as string;
      assert.equal(decodeJwt(token).sid, claims?.sid);
      assert.equal(decodeJwt(token).jti, delivered.id, 'jti is the delivery id, the same on every attempt');
    } finally {
      await receiver.down();
    }
  });

  test('a post_logout_redirect_uri not registered: signed out, no redirect', async () => {
    const { config } = await partner();
    const { b, idToken } = await signedIn(config);
    const before = sessionToken(b) as string;
    const out = await b.follow(
      'GET',
      `/oauth2/logout?${new URLSearchParams({
        id_token_hint: idToken,
        post_logout_redirect_uri: 'https://evil.example/',
        state: 's',
      })}`,
    );
    assert.equal(out.location, undefined);
    assert.equal(out.res.statusCode, 200);
    assert.match(out.res.body, /You are signed out/);
    assert.equal(await t.gh.sessions.load(before), undefined);
  });

  test('a forged id_token_hint: the confirm page, then no redirect', async () => {
    const { app, config } = await partner();
    const { b, claims } = await signedIn(config);
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ sub: claims?.sub, sid: claims?.sid })
      .setProtectedHeader({ alg: 'ES256', kid: (await exportJWK(publicKey)).kid ?? 'k1', typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(app.clientId)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const before = sessionToken(b) as string;
    const page = await b.follow(
      'GET',
      `/oauth2/logout?${new URLSearchParams({ id_token_hint: forged, post_logout_redirect_uri: SIGNED_OUT, state: 's' })}`,
    );
    assert.equal(page.location, undefined);
    assert.match(page.res.body, /action="\/oauth2\/logout\/confirm"/);
    assert.doesNotMatch(page.res.body, /signed-out/, 'the redirect is not carried');
    assert.ok(await t.gh.sessions.load(before), 'nothing ended before the person confirms');
    // Without the CSRF token the form is refused.
    const refused = await b.request('POST', '/oauth2/logout/confirm', { client_id: app.clientId });
    assert.equal(refused.statusCode, 403);
    const done = await b.follow('POST', '/oauth2/logout/confirm', {
      csrf_token: field(page.res.body, 'csrf_token'),
      client_id: app.clientId,
    });
    assert.equal(done.location, undefined);
    assert.match(done.res.body, /You are signed out/);
    assert.equal(await t.gh.sessions.load(before), undefined);
  });

  test("another app's client_id with a valid hint, or no hint: confirm first; then back with state", async () => {
    const { app, config } = await partner();
    const other = await partner();
    const { b, idToken } = await signedIn(config);
    const mismatch = await b.follow(
      'GET',
      `/oauth2/logout?${new URLSearchParams({ id_token_hint: idToken, client_id: other.app.clientId, post_logout_redirect_uri: SIGNED_OUT })}`,
    );
    assert.equal(mismatch.location, undefined);
    assert.match(mismatch.res.body, /action="\/oauth2\/logout\/confirm"/);

    const page = await b.follow(
      'GET',
      `/oauth2/logout?${new URLSearchParams({ client_id: app.clientId, post_logout_redirect_uri: SIGNED_OUT, state: 'st-9' })}`,
    );
    assert.match(page.res.body, /Partner/);
    const done = await b.follow('POST', '/oauth2/logout/confirm', {
      csrf_token: field(page.res.body, 'csrf_token'),
      client_id: field(page.res.body, 'client_id'),
      post_logout_redirect_uri: field(page.res.body, 'post_logout_redirect_uri'),
      state: field(page.res.body, 'state'),
    });
    assert.equal(done.location, `${SIGNED_OUT}?state=st-9`);
  });

  test('an expired ID token is still a hint; a POSTed end-session request is answered like the GET', async () => {
    const { app, config } = await partner();
    const { b } = await signedIn(config);
    const iat = Math.floor(Date.now() / 1000) - 3600;
    const expired = await new JwsSigner().sign(t.gh.keys.signingKey('ES256'), 'JWT', {
      iss: issuer,
      sub: userId,
      aud: app.clientId,
      iat,
      exp: iat + 300,
    });
    const posted = await b.request('POST', '/oauth2/logout', {
      id_token_hint: expired,
      post_logout_redirect_uri: SIGNED_OUT,
      state: 'p',
    });
    assert.equal(posted.statusCode, 303);
    const out = await b.follow('GET', posted.headers.location as string);
    assert.equal(out.location, `${SIGNED_OUT}?state=p`);
    // Signed out already: the same request just goes back.
    const again = await b.follow('GET', posted.headers.location as string);
    assert.equal(again.location, `${SIGNED_OUT}?state=p`);
  });
});
