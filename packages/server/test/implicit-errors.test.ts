import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { responseModeFor } from '../src/oauth/authorization-response.ts';
import { Browser, decide, signIn } from './browser.ts';
import { type TestServer, testServer } from './helpers.ts';

const PASSWORD = 'correct horse battery staple';
const REDIRECT = 'https://client.example/cb';

/**
 * RFC 6749 4.2.2.1: an implicit request's errors go in the fragment, like its token. The
 * client reads only its fragment; an error in the query would never reach it.
 */
describe('implicit-flow error redirects use the fragment, every one', () => {
  let t: TestServer;
  let legacy: { clientId: string };
  let codeOnly: { clientId: string };
  before(async () => {
    t = await testServer();
    await t.gh.companies.createUser(
      { email: 'ada@acme.test', name: 'Ada', password: PASSWORD, companyId: t.companyId, role: 'admin' },
      'test',
    );
    await t.gh.companies.createUser(
      { email: 'max@acme.test', name: 'Max', password: PASSWORD, companyId: t.companyId, role: 'member' },
      'test',
    );
    legacy = await t.createApp({
      name: 'Legacy SPA',
      type: 'partner',
      grantTypes: ['implicit'],
      redirectUris: [REDIRECT],
    });
    codeOnly = await t.createApp({
      name: 'Code only',
      type: 'partner',
      grantTypes: ['authorization_code'],
      redirectUris: [REDIRECT],
    });
  });
  after(() => t.close());

  const url = (params: Record<string, string>) =>
    `/oauth2/authorize?${new URLSearchParams({ redirect_uri: REDIRECT, state: 'st', ...params })}`;

  /** The error in the fragment of a redirect to the client, with nothing in its query. */
  function fragmentError(location: string | undefined, expected: string) {
    assert.ok(location, 'redirected to the client');
    const to = new URL(location);
    assert.equal(to.origin + to.pathname, REDIRECT);
    assert.equal(to.search, '', `nothing in the query: ${location}`);
    const fragment = new URLSearchParams(to.hash.slice(1));
    assert.equal(fragment.get('error'), expected, location);
    assert.ok(fragment.get('error_description'));
    assert.equal(fragment.get('state'), 'st');
    assert.equal(fragment.get('iss'), 'http://gatehouse.test');
  }

  const direct = async (params: Record<string, string>) => {
    const res = await t.http.inject(url(params));
    assert.equal(res.statusCode, 303);
    return res.headers.location as string;
  };

  test('response_type token or id_token chooses the fragment; code and anything else the query', () => {
    for (const type of [
      'token',
      'id_token',
      'token id_token',
      'id_token token',
      'code id_token',
      'code token',
    ])
      assert.equal(responseModeFor(type), 'fragment', type);
    for (const type of ['code', '', undefined, null, 'tokens', 'none'])
      assert.equal(responseModeFor(type), 'query');
  });

  test('unsupported_response_type for token id_token, id_token, code token', async () => {
    for (const type of ['token id_token', 'id_token', 'code token'])
      fragmentError(
        await direct({ response_type: type, client_id: legacy.clientId }),
        'unsupported_response_type',
      );
  });

  test('unauthorized_client: an app not allowed the implicit grant asks for a token', async () => {
    fragmentError(
      await direct({ response_type: 'token', client_id: codeOnly.clientId }),
      'unauthorized_client',
    );
  });

  test('invalid_scope: a malformed scope and a scope the app does not have', async () => {
    fragmentError(
      await direct({ response_type: 'token', client_id: legacy.clientId, scope: 'users.read "x' }),
      'invalid_scope',
    );
    fragmentError(
      await direct({ response_type: 'token', client_id: legacy.clientId, scope: 'payroll.admin' }),
      'invalid_scope',
    );
  });

  test('invalid_request: an unknown prompt value', async () => {
    fragmentError(
      await direct({ response_type: 'token', client_id: legacy.clientId, prompt: 'bogus' }),
      'invalid_request',
    );
  });

  test('login_required: prompt=none without a session', async () => {
    const b = new Browser(t.http);
    const { location } = await b.follow(
      'GET',
      url({ response_type: 'token', client_id: legacy.clientId, prompt: 'none' }),
    );
    fragmentError(location, 'login_required');
  });

  test('consent_required: prompt=none signed in, consent not given yet', async () => {
    const b = new Browser(t.http);
    const login = await b.follow(
      'GET',
      url({ response_type: 'token', client_id: legacy.clientId, scope: 'users.read' }),
    );
    await signIn(b, login.res.body, 'ada@acme.test', PASSWORD);
    const { location } = await b.follow(
      'GET',
      url({ response_type: 'token', client_id: legacy.clientId, scope: 'users.read', prompt: 'none' }),
    );
    fragmentError(location, 'consent_required');
  });

  test('access_denied: the user denies at consent', async () => {
    const b = new Browser(t.http);
    const login = await b.follow(
      'GET',
      url({ response_type: 'token', client_id: legacy.clientId, scope: 'users.read' }),
    );
    const consent = await signIn(b, login.res.body, 'ada@acme.test', PASSWORD);
    const { location } = await decide(b, consent.res.body, 'deny');
    fragmentError(location, 'access_denied');
  });

  test('access_denied: the user administers no company that could grant', async () => {
    const b = new Browser(t.http);
    const login = await b.follow(
      'GET',
      url({ response_type: 'token', client_id: legacy.clientId, scope: 'users.read' }),
    );
    const { location } = await signIn(b, login.res.body, 'max@acme.test', PASSWORD);
    fragmentError(location, 'access_denied');
  });

  test('the code flow keeps its errors in the query', async () => {
    const to = new URL(
      await direct({ response_type: 'code', client_id: codeOnly.clientId, scope: 'payroll.admin' }),
    );
    assert.equal(to.hash, '');
    assert.equal(to.searchParams.get('error'), 'invalid_scope');
  });
});
