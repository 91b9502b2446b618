import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { redirectUriProblem } from '../src/apps/redirect-uri-rules.ts';
import { validateAppInput } from '../src/apps/validation.ts';
import { ValidationError } from '../src/errors.ts';
import { redirectUriMatches } from '../src/oauth/redirect-uri.ts';
import { runCli } from './cli/run-cli.ts';
import { cliEnv, type TestServer, testServer } from './helpers.ts';
import { signedIn, type Tenant, tenant } from './management-api/fixtures.ts';

/** Each refused form, with the words the refusal must contain. */
const REFUSED: [uri: string, why: RegExp][] = [
  ['http://127.0.0.1:0/cb', /port outside 1 to 65535/],
  ['http://127.0.0.1:65536/cb', /port outside 1 to 65535/],
  ['http://[::1]:99999/cb', /port outside 1 to 65535/],
  ['http://localhost:0/cb', /port outside 1 to 65535/],
  ['HTTPS://client.example/cb', /lowercase scheme.*"https:\/\/client\.example\/cb"/],
  ['https://Client.Example/cb', /lowercase host.*"https:\/\/client\.example\/cb"/],
  ['https://client.example:443/cb', /default port.*"https:\/\/client\.example\/cb"/],
  ['http://127.0.0.1:80/cb', /default port/],
  ['https://client.example/a/./cb', /dot segments.*"https:\/\/client\.example\/a\/cb"/],
  ['https://client.example/a/../cb', /dot segments/],
  ['https://client.example/a/%2e%2e/cb', /dot segments/],
  ['https://client.example/cb%2Fevil', /percent-encoded dot, slash/],
  ['https://client.example/cb%5c', /percent-encoded dot, slash/],
  ['https://client.example/a%2ecb', /percent-encoded dot, slash/],
  ['https:///client.example/cb', /canonical form/],
  ['https://user@client.example/cb', /user information/],
  ['https://@client.example/cb', /user information/],
  ['https://client.example/cb#x', /fragment/],
  ['https://client.example/cb#', /fragment/],
  ['https://client.example\\cb', /backslash/],
  [' https://client.example/cb', /whitespace/],
  ['https://client.example/c b', /whitespace/],
  ['https://client.example/cb\t', /whitespace/],
  ['https://client.example', /canonical form.*"https:\/\/client\.example\/"/],
  ['http://127.1:8080/cb', /canonical form.*"http:\/\/127\.0\.0\.1:8080\/cb"/],
  ['http://127.0.0.1:08080/cb', /canonical form/],
  ['https://bücher.example/cb', /xn--bcher-kva/],
  ['http://client.example/cb', /must use https/],
  ['javascript:alert(1)', /javascript: scheme/],
  ['not a uri', /whitespace/],
  ['/relative/cb', /not an absolute URI/],
];

const ACCEPTED = [
  'https://client.example/cb',
  'https://client.example/',
  'https://client.example/cb?tenant=a%2Fb',
  'http://127.0.0.1:8080/cb',
  'http://[::1]:65535/cb',
  'http://localhost/cb',
  'com.example.app:/oauth2redirect',
  'myapp://callback',
];

describe('redirect URIs at registration: the registered string is what a browser sends', () => {
  it('refuses every non-canonical or risky form, saying why and what to register', () => {
    for (const [uri, why] of REFUSED) assert.match(redirectUriProblem(uri) ?? 'accepted', why, uri);
  });

  it('accepts canonical URIs, each equal to its own URL serialisation', () => {
    for (const uri of ACCEPTED) {
      assert.equal(redirectUriProblem(uri), undefined, uri);
      assert.equal(new URL(uri).href, uri);
    }
  });

  it('app validation names the field', () => {
    try {
      validateAppInput({
        companyId: 'co_x',
        name: 'X',
        type: 'partner',
        grantTypes: ['authorization_code'],
        scopes: ['users.read'],
        redirectUris: ['https://client.example/cb', 'http://127.0.0.1:0/cb'],
      });
      assert.fail('accepted');
    } catch (err) {
      assert.ok(err instanceof ValidationError);
      assert.match(
        err.fields?.redirectUris ?? '',
        /^redirect URI "http:\/\/127\.0\.0\.1:0\/cb" has a port outside/,
      );
    }
  });
});

describe('loopback redirect URIs at authorization: only the port may vary, and only to a real port', () => {
  const registered = 'http://127.0.0.1:8080/cb';
  it('matches ports 1 to 65535 written plainly', () => {
    for (const port of ['1', '8080', '51234', '65535'])
      assert.ok(redirectUriMatches(registered, `http://127.0.0.1:${port}/cb`), port);
    assert.ok(redirectUriMatches('http://[::1]:8080/cb', 'http://[::1]:4000/cb'));
  });
  it('refuses port 0, ports past 65535 and ports with leading zeros', () => {
    for (const port of ['0', '00', '65536', '99999', '08080', '0080'])
      assert.equal(redirectUriMatches(registered, `http://127.0.0.1:${port}/cb`), false, port);
    assert.equal(redirectUriMatches('http://[::1]:8080/cb', 'http://[::1]:0/cb'), false);
  });
});

describe('a bad redirect URI is refused at every way in', () => {
  let t: TestServer;
  let x: Tenant;
  const BAD = 'http://127.0.0.1:0/cb';
  before(async () => {
    t = await testServer();
    x = await tenant(t, 'R');
  });
  after(() => t.close());

  it('authorize: a registered loopback URI does not lend itself to port 0 or 65536', async () => {
    const { clientId } = await t.createApp({
      name: 'Loopback',
      type: 'partner',
      grantTypes: ['authorization_code'],
      redirectUris: ['http://127.0.0.1:8080/cb'],
    });
    const at = (redirect: string) =>
      t.http.inject(
        `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirect, scope: 'users.read', state: 's', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`,
      );
    for (const port of ['0', '65536', '08080']) {
      const res = await at(`http://127.0.0.1:${port}/cb`);
      assert.equal(res.statusCode, 400, port);
      assert.equal(res.headers.location, undefined, port);
    }
    assert.equal((await at('http://127.0.0.1:51234/cb')).statusCode, 303);
  });

  it('management API: 400 validation_failed naming redirect_uris', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/api/v1/apps',
      headers: { authorization: `Bearer ${x.key}` },
      payload: {
        name: 'Bad redirect',
        type: 'partner',
        grant_types: ['authorization_code'],
        scopes: ['users.read'],
        redirect_uris: [BAD],
      },
    });
    assert.equal(res.statusCode, 400);
    const body = res.json();
    assert.equal(body.error, 'validation_failed');
    const [field, problem] = Object.entries(body.fields as Record<string, string>)[0] ?? [];
    assert.match(field ?? '', /^redirect_?uris$/i);
    assert.match(problem ?? '', /port outside 1 to 65535/);
  });

  it('console: the form comes back with the error', async () => {
    const admin = await signedIn(t, x.companyId, 'admin');
    const boundary = 'p7boundary';
    const fields = {
      csrf_token: admin.csrf,
      name: 'Bad redirect',
      type: 'partner',
      delivery: 'code',
      redirect_uris: 'https://Client.Example/cb',
      token_ttl: '3600',
      scope: 'users.read',
    };
    const payload = `${Object.entries(fields)
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
      .join('')}--${boundary}--\r\n`;
    const res = await t.http.inject({
      method: 'POST',
      url: `/console/c/${x.companyId}/apps`,
      headers: { cookie: admin.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    assert.equal(res.statusCode, 400);
    // The console says it in the page's language (the catalog's wording), with the exact form.
    assert.match(res.body, /is not in the form a browser sends: register it exactly as/);
    assert.match(res.body, /https:\/\/client\.example\/cb/);
  });

  it('CLI: a clear message and a failing exit code', async () => {
    const env = cliEnv(t);
    const res = await runCli(
      [
        'app',
        'create',
        '--company',
        x.companyId,
        '--name',
        'Bad',
        '--scopes',
        'users.read',
        '--grant-types',
        'authorization_code',
        '--redirect-uri',
        'https://client.example:443/cb',
      ],
      env,
    );
    assert.notEqual(res.code, 0);
    assert.match(
      res.stderr,
      /redirect URI "https:\/\/client\.example:443\/cb" must not write out the default port/,
    );
  });
});
