import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createVerifier } from '@gatehouse/resource-server';
import { createRemoteJWKSet, exportJWK, generateKeyPair, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import * as client from 'openid-client';
import { freePort } from '../../../test/helpers/live-gatehouse.ts';
import { ValidationError } from '../src/errors.ts';
import { DEFAULT_SCOPE_CATALOG } from '../src/oauth/scopes/catalog.ts';
import { type TestServer, testServer } from './helpers.ts';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
const USERS_API = 'https://api.example.com/users';
const SHIFTS_API = 'https://api.example.com/shifts';

describe('token exchange (RFC 8693), driven by openid-client', () => {
  let t: TestServer;
  let issuer: string;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  let frontend: { appId: string; clientId: string; clientSecret: string };
  let gateway: { appId: string; clientId: string; clientSecret: string };
  let frontendConfig: client.Configuration;
  let gatewayConfig: client.Configuration;

  const discover = (app: { clientId: string; clientSecret: string }) =>
    client.discovery(new URL(issuer), app.clientId, app.clientSecret, undefined, {
      execute: [client.allowInsecureRequests],
    });
  const exchange = (config: client.Configuration, params: Record<string, string>) =>
    client.genericGrantRequest(config, EXCHANGE, {
      subject_token_type: ACCESS_TOKEN,
      resource: USERS_API,
      ...params,
    });
  const refused = (error: string, description?: RegExp) => (err: unknown) => {
    assert.ok(err instanceof client.ResponseBodyError, String(err));
    assert.equal(err.error, error, err.error_description);
    if (description) assert.match(err.error_description ?? '', description);
    return true;
  };
  const verify = async (token: string, audience = USERS_API): Promise<JWTPayload> =>
    (await jwtVerify(token, jwks, { issuer, audience, typ: 'at+jwt' })).payload;
  /** A token the frontend got for itself: the subject of the exchanges below. */
  const subjectToken = async (scope = 'users.read users.write shifts_read') =>
    (await client.clientCredentialsGrant(frontendConfig, { scope })).access_token;

  before(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await testServer({
      config: {
        issuer,
        scopeCatalog: {
          ...DEFAULT_SCOPE_CATALOG,
          resources: [
            { uri: USERS_API, name: 'Users API', scopes: ['users.read', 'users.write'] },
            { uri: SHIFTS_API, name: 'Shifts API', scopes: ['shifts_read', 'shifts_write'] },
          ],
        },
      },
    });
    await t.http.listen({ host: '127.0.0.1', port });
    jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
    frontend = await t.createApp({ name: 'Frontend', scopes: ['users.read', 'users.write', 'shifts_read'] });
    gateway = await t.createApp({
      name: 'Gateway',
      scopes: ['users.read'],
      grantTypes: [EXCHANGE],
      tokenExchange: { allowedResources: [USERS_API], allowedSubjectClients: null, actorToken: 'allowed' },
    });
    frontendConfig = await discover(frontend);
    gatewayConfig = await discover(gateway);
  });
  after(() => t.close());

  test('metadata lists the grant type', async () => {
    const meta = gatewayConfig.serverMetadata();
    assert.ok(meta.grant_types_supported?.includes(EXCHANGE));
  });

  test('a subject token becomes a token for one resource, narrower, with act, audited', async () => {
    const subject = await subjectToken();
    const subjectClaims = await verify(subject, t.config.audience);
    const res = await exchange(gatewayConfig, { subject_token: subject, scope: 'users.read' });
    assert.equal(res.issued_token_type, ACCESS_TOKEN);
    assert.equal(res.token_type, 'bearer');
    assert.equal(res.scope, 'users.read');
    assert.equal(res.refresh_token, undefined, 'no refresh token');
    const claims = await verify(res.access_token);
    assert.equal(claims.sub, frontend.clientId, 'the subject stays the subject token’s');
    assert.equal(claims.aud, USERS_API);
    assert.equal(claims.scope, 'users.read');
    assert.equal(claims.client_id, gateway.clientId);
    assert.equal(claims.company_id, t.companyId);
    assert.deepEqual(claims.act, { sub: gateway.clientId });
    assert.ok((claims.exp ?? 0) <= (subjectClaims.exp ?? 0), 'never outlives the subject token');
    assert.ok((res.expires_in ?? 0) > 0);

    // Without scope: every scope of the subject token that belongs to the resource.
    const all = await exchange(gatewayConfig, { subject_token: subject });
    assert.equal(all.scope, 'users.read users.write');

    const seen = await client.tokenIntrospection(gatewayConfig, res.access_token);
    assert.equal(seen.active, true);
    assert.deepEqual(seen.act, { sub: gateway.clientId });
    assert.equal(seen.sub, frontend.clientId);
    assert.equal(seen.aud, USERS_API);

    // The users API sees the actor through @gatehouse/resource-server.
    const usersApi = createVerifier({ issuer, audience: USERS_API, revocation: { mode: 'off' } });
    const verified = await usersApi.verify(res.access_token);
    assert.deepEqual(verified.act, { sub: gateway.clientId });
    assert.equal(verified.sub, frontend.clientId);
    usersApi.close();

    const audit = await t.gh.audit.list(t.companyId, { action: 'token.exchanged' });
    const entry = audit.items.find((e) => e.data.jti === claims.jti);
    assert.ok(entry, 'the exchange is audited');
    assert.equal(entry.actor, `app:${gateway.appId}`);
    assert.equal(entry.target, `app:${gateway.appId}`);
    assert.deepEqual(
      { ...entry.data, expires_in: undefined },
      {
        client_id: gateway.clientId,
        subject: frontend.clientId,
        subject_client_id: frontend.clientId,
        subject_company_id: t.companyId,
        act: gateway.clientId,
        resource: USERS_API,
        scopes: ['users.read'],
        jti: claims.jti,
        expires_in: undefined,
      },
    );
  });

  test('an actor token names the actor; exchanging an exchanged token nests act', async () => {
    const worker = await t.createApp({ name: 'Worker', scopes: ['users.read'] });
    const actorToken = (await client.clientCredentialsGrant(await discover(worker))).access_token;
    const first = await exchange(gatewayConfig, {
      subject_token: await subjectToken(),
      actor_token: actorToken,
      actor_token_type: ACCESS_TOKEN,
    });
    assert.deepEqual((await verify(first.access_token)).act, { sub: worker.clientId });

    const relay = await t.createApp({
      name: 'Relay',
      scopes: ['users.read'],
      grantTypes: [EXCHANGE],
      tokenExchange: {
        allowedResources: [USERS_API],
        allowedSubjectClients: [gateway.clientId],
        actorToken: 'forbidden',
      },
    });
    const second = await exchange(await discover(relay), { subject_token: first.access_token });
    const claims = await verify(second.access_token);
    assert.equal(claims.sub, frontend.clientId);
    assert.equal(claims.client_id, relay.clientId);
    assert.deepEqual(claims.act, { sub: relay.clientId, act: { sub: worker.clientId } });
    const audit = await t.gh.audit.list(t.companyId, { action: 'token.exchanged' });
    const entry = audit.items.find((e) => e.data.jti === claims.jti);
    assert.equal(entry?.data.subject_client_id, gateway.clientId);
    assert.equal(entry?.data.act, relay.clientId);
  });

  test('opaque: the exchanged token is opaque for an opaque app; introspection shows act', async () => {
    const opaque = await t.createApp({
      name: 'Opaque gateway',
      scopes: ['users.read'],
      tokenFormat: 'opaque',
      grantTypes: [EXCHANGE],
      tokenExchange: { allowedResources: [USERS_API], allowedSubjectClients: null, actorToken: 'allowed' },
    });
    const config = await discover(opaque);
    const res = await exchange(config, { subject_token: await subjectToken() });
    assert.match(res.access_token, /^gtht_/);
    const seen = await client.tokenIntrospection(config, res.access_token);
    assert.equal(seen.active, true);
    assert.deepEqual(seen.act, { sub: opaque.clientId });
    assert.equal(seen.aud, USERS_API);
    // And an opaque token is a subject token like any other.
    const again = await exchange(gatewayConfig, { subject_token: res.access_token });
    assert.deepEqual((await verify(again.access_token)).act, {
      sub: gateway.clientId,
      act: { sub: opaque.clientId },
    });
  });

  test('invalid_scope: more scope than the subject token carries', async () => {
    const subject = await subjectToken('users.read');
    await assert.rejects(
      exchange(gatewayConfig, { subject_token: subject, scope: 'users.read users.write' }),
      refused('invalid_scope'),
    );
  });

  test('invalid_grant: a revoked, expired, foreign or unknown subject token', async () => {
    const revoked = await subjectToken();
    await client.tokenRevocation(frontendConfig, revoked);
    await assert.rejects(exchange(gatewayConfig, { subject_token: revoked }), refused('invalid_grant'));

    const app = await t.gh.apps.findByClientId(frontend.clientId);
    assert.ok(app);
    const expired = await t.gh.tokens.issueAccessToken({
      app,
      subject: frontend.clientId,
      scopes: ['users.read'],
      now: Date.now() - 2 * 3600_000,
    });
    await assert.rejects(exchange(gatewayConfig, { subject_token: expired.token }), refused('invalid_grant'));

    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const foreign = await new SignJWT({ client_id: frontend.clientId, scope: 'users.read', jti: 'at_x' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: (await exportJWK(publicKey)).x ?? 'k' })
      .setIssuer(issuer)
      .setAudience(t.config.audience)
      .setSubject(frontend.clientId)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    await assert.rejects(exchange(gatewayConfig, { subject_token: foreign }), refused('invalid_grant'));
    await assert.rejects(
      exchange(gatewayConfig, { subject_token: 'gtht_not-a-token-of-ours' }),
      refused('invalid_grant'),
    );
    // A refresh token is not an access token, whatever the request calls it.
    await assert.rejects(
      exchange(gatewayConfig, { subject_token: 'ghrt_0000000000000000000000000000000000000000000' }),
      refused('invalid_grant'),
    );
  });

  test('invalid_grant: a subject token of a client the policy does not list', async () => {
    const picky = await t.createApp({
      name: 'Picky',
      scopes: ['users.read'],
      grantTypes: [EXCHANGE],
      tokenExchange: {
        allowedResources: [USERS_API],
        allowedSubjectClients: ['cl_someone_else'],
        actorToken: 'allowed',
      },
    });
    await assert.rejects(
      exchange(await discover(picky), { subject_token: await subjectToken() }),
      refused('invalid_grant', /may not exchange tokens of/),
    );
  });

  test('unauthorized_client: an app without the grant type, and a public client', async () => {
    await assert.rejects(
      exchange(frontendConfig, { subject_token: await subjectToken() }),
      refused('unauthorized_client'),
    );
    await assert.rejects(
      t.gh.apps.create(
        {
          companyId: t.companyId,
          name: 'Public',
          clientType: 'public',
          scopes: ['users.read'],
          grantTypes: ['authorization_code', EXCHANGE],
          redirectUris: ['https://spa.example/cb'],
          tokenExchange: {
            allowedResources: [USERS_API],
            allowedSubjectClients: null,
            actorToken: 'allowed',
          },
        },
        'test',
      ),
      (err: unknown) => err instanceof ValidationError && /public client/.test(err.fields.grantTypes ?? ''),
    );
    const spa = await t.createApp({
      name: 'SPA',
      clientType: 'public',
      scopes: ['users.read'],
      grantTypes: ['authorization_code'],
      redirectUris: ['https://spa.example/cb'],
    });
    const publicConfig = await client.discovery(new URL(issuer), spa.clientId, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    await assert.rejects(
      exchange(publicConfig, { subject_token: await subjectToken() }),
      refused('unauthorized_client'),
    );
  });

  test('invalid_target: a resource the policy does not list, two targets, none', async () => {
    const subject = await subjectToken();
    await assert.rejects(
      exchange(gatewayConfig, { subject_token: subject, resource: SHIFTS_API }),
      refused('invalid_target', /policy does not list it/),
    );
    await assert.rejects(
      exchange(gatewayConfig, { subject_token: subject, audience: SHIFTS_API }),
      refused('invalid_target'),
    );
    // resource and audience naming the same resource is one target.
    const same = await exchange(gatewayConfig, { subject_token: subject, audience: USERS_API });
    assert.equal((await verify(same.access_token)).aud, USERS_API);
    await assert.rejects(
      client.genericGrantRequest(gatewayConfig, EXCHANGE, {
        subject_token: subject,
        subject_token_type: ACCESS_TOKEN,
      }),
      refused('invalid_request', /resource/),
    );
    // A subject token with none of the resource's scopes.
    const shiftsOnly = await subjectToken('shifts_read');
    await assert.rejects(exchange(gatewayConfig, { subject_token: shiftsOnly }), refused('invalid_target'));
  });

  test('invalid_request: unsupported token types and the actor-token rule', async () => {
    const subject = await subjectToken();
    for (const type of [
      'urn:ietf:params:oauth:token-type:id_token',
      'urn:ietf:params:oauth:token-type:refresh_token',
      'urn:ietf:params:oauth:token-type:jwt',
      'urn:example:custom',
    ]) {
      await assert.rejects(
        exchange(gatewayConfig, { subject_token: subject, subject_token_type: type }),
        refused('invalid_request', /subject_token_type/),
      );
      await assert.rejects(
        exchange(gatewayConfig, { subject_token: subject, requested_token_type: type }),
        refused('invalid_request', /requested_token_type/),
      );
    }
    const ok = await exchange(gatewayConfig, { subject_token: subject, requested_token_type: ACCESS_TOKEN });
    assert.equal(ok.issued_token_type, ACCESS_TOKEN);
    await assert.rejects(
      exchange(gatewayConfig, { subject_token: subject, actor_token: subject }),
      refused('invalid_request', /go together/),
    );
    await assert.rejects(
      exchange(gatewayConfig, { subject_token: subject, subject_token_type: '' }),
      refused('invalid_request', /subject_token_type/),
    );
    const strict = await t.createApp({
      name: 'Needs actor',
      scopes: ['users.read'],
      grantTypes: [EXCHANGE],
      tokenExchange: { allowedResources: [USERS_API], allowedSubjectClients: null, actorToken: 'required' },
    });
    await assert.rejects(
      exchange(await discover(strict), { subject_token: subject }),
      refused('invalid_request', /must present an actor token/),
    );
    const relay = await t.createApp({
      name: 'No actor',
      scopes: ['users.read'],
      grantTypes: [EXCHANGE],
      tokenExchange: { allowedResources: [USERS_API], allowedSubjectClients: null, actorToken: 'forbidden' },
    });
    await assert.rejects(
      exchange(await discover(relay), {
        subject_token: subject,
        actor_token: subject,
        actor_token_type: ACCESS_TOKEN,
      }),
      refused('invalid_request', /may not present an actor token/),
    );
  });

  test('revoking the company grant behind a subject token ends the exchanged token too', async () => {
    // The subject's grant travels with the exchanged token (gid), though it is another app's.
    const partner = await t.createApp({
      name: 'Partner',
      type: 'partner',
      scopes: ['users.read'],
      grantTypes: ['client_credentials'],
      grantDelivery: 'company_grant',
    });
    const grant = await t.gh.storage.upsertGrant({
      id: 'gr_exchange_1',
      guid: crypto.randomUUID(),
      appId: partner.appId,
      companyId: t.companyId,
      scopes: ['users.read'],
      grantedBy: 'test',
    });
    const partnerConfig = await discover(partner);
    const subject = (await client.clientCredentialsGrant(partnerConfig, { company_guid: grant.guid }))
      .access_token;
    const res = await exchange(gatewayConfig, { subject_token: subject });
    const claims = await verify(res.access_token);
    assert.equal(claims.gid, grant.id);
    assert.equal((await client.tokenIntrospection(gatewayConfig, res.access_token)).active, true);
    await t.gh.grants.revoke(t.companyId, grant.id, 'user:test');
    assert.equal((await client.tokenIntrospection(gatewayConfig, res.access_token)).active, false);
  });
});
