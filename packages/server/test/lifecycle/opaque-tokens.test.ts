import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sha256 } from '../../src/util/hash.ts';
import { type TestServer, testServer } from '../helpers.ts';
import {
  clientCredentialsToken,
  delegatedTokens,
  introspect,
  partnerApp,
  refresh,
  revoke,
} from './helpers.ts';

const OPAQUE = /^gtht_[A-Za-z0-9_-]{43}$/;

describe('opaque access tokens (token format "opaque")', () => {
  let t: TestServer;
  before(async () => {
    t = await testServer();
  });
  after(() => t.close());

  it('client_credentials issues a random gtht_ token, stored only as its hash', async () => {
    const app = await t.createApp({ name: 'Opaque CC', tokenFormat: 'opaque' });
    const token = await clientCredentialsToken(t, app);
    assert.match(token, OPAQUE);
    const stored = await t.gh.storage.getOpaqueAccessToken(sha256(token));
    assert.ok(stored);
    assert.equal(stored.tokenHash, sha256(token));
    assert.equal(JSON.stringify(stored).includes(token), false);
    assert.equal(stored.clientId, app.clientId);
    const info = await introspect(t, app, token);
    assert.equal(info.active, true);
    assert.equal(info.token_type, 'Bearer');
    assert.equal(info.sub, app.clientId);
    assert.equal(info.company_id, t.companyId);
    assert.equal(info.aud, t.config.audience);
    assert.equal((info.exp as number) - (info.iat as number), 3600);
  });

  it('authorization_code and refresh issue opaque access tokens; revoking the refresh token kills them', async () => {
    const app = await partnerApp(t, { name: 'Opaque partner', tokenFormat: 'opaque' });
    const first = await delegatedTokens(t, app);
    assert.match(first.access_token, OPAQUE);
    assert.match(first.refresh_token, /^gthr_/);
    const grant = await t.gh.storage.getActiveGrant(app.appId, t.companyId);
    const info = await introspect(t, app, first.access_token);
    assert.equal(info.active, true);
    assert.equal(info.sub, first.userId);
    assert.equal(info.grant_guid, grant?.guid);

    const rotated = await refresh(t, app, first.refresh_token);
    assert.equal(rotated.statusCode, 200, rotated.body);
    const second = rotated.json() as { access_token: string; refresh_token: string };
    assert.match(second.access_token, OPAQUE);
    assert.equal((await introspect(t, app, second.access_token)).active, true);

    await revoke(t, app, second.refresh_token);
    for (const token of [first.access_token, second.access_token])
      assert.deepEqual(await introspect(t, app, token), { active: false });
  });

  it('the implicit grant honours the format too', async () => {
    const creds = await partnerApp(t, {
      name: 'Opaque implicit',
      grantTypes: ['implicit'],
      tokenFormat: 'opaque',
    });
    const app = await t.gh.apps.findByClientId(creds.clientId);
    assert.ok(app);
    const user = await t.gh.companies.createUser(
      { email: 'implicit@lifecycle.test', password: 'correct horse battery staple' },
      'test',
    );
    const outcome = await t.gh.authorization.complete(
      app,
      {
        clientId: creds.clientId,
        responseType: 'token',
        redirectUri: 'https://partner.example/callback',
        redirectUriGiven: true,
        scopes: ['users.read'],
        state: null,
        nonce: null,
        codeChallenge: null,
        prompt: null,
      },
      user.id,
      t.companyId,
      new Date(),
    );
    assert.equal(outcome.kind, 'token');
    const token = outcome.kind === 'token' ? outcome.accessToken : '';
    assert.match(token, OPAQUE);
    const info = await introspect(t, creds, token);
    assert.equal(info.active, true);
    assert.equal(info.sub, user.id);
  });

  it('an app created with token format opaque keeps it; anything else is refused', async () => {
    const { app } = await t.gh.apps.create(
      { companyId: t.companyId, name: 'Format check', scopes: ['users.read'], tokenFormat: 'opaque' },
      'test',
    );
    assert.equal(app.tokenFormat, 'opaque');
    await assert.rejects(
      t.gh.apps.create(
        // biome-ignore lint/suspicious/noExplicitAny: deliberately invalid input
        { companyId: t.companyId, name: 'Bad', scopes: ['users.read'], tokenFormat: 'paseto' as any },
        'test',
      ),
      (err: Error & { fields?: Record<string, string> }) => err.fields?.tokenFormat !== undefined,
    );
  });
});
