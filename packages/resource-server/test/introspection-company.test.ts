import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { msUntilStatus } from '../../../test/helpers/flows.ts';
import { clientCredentialsToken, introspectingNode } from '../../../test/helpers/live-gatehouse.ts';
import { type TestServer, testServer } from '../../server/test/helpers.ts';
import {
  type AuthContext,
  createVerifier,
  createWebAuth,
  type Verifier,
  type WebAuth,
} from '../src/index.ts';

type Creds = { appId: string; clientId: string; clientSecret: string };

// Opaque tokens name a company too: the SDK asks introspection with company_guid (the grant
// endpoint verifies JWTs only), and the request may do what the token AND the grant allow.
describe('@gatehouse/resource-server: opaque tokens with x-company-guid', () => {
  let setup: TestServer;
  let gh: TestServer;
  let url: string;
  let verifier: Verifier;
  let auth: WebAuth;
  let partner: Creds;
  let second: string;
  const guid = crypto.randomUUID();

  before(async () => {
    // The resource server's app must exist before the node that lists it starts.
    setup = await testServer();
    const rs = await setup.createApp({ name: 'Demo API' });
    second = (await setup.gh.companies.createCompany({ name: 'Bistro Two' }, 'test')).id;
    partner = await setup.createApp({
      name: 'Opaque partner',
      type: 'partner',
      tokenFormat: 'opaque',
      grantTypes: ['client_credentials'],
      grantDelivery: 'company_grant',
      scopes: ['users.read', 'users.write', 'users.delete', 'v1_access'],
      redirectUris: ['https://partner.example/cb'],
    });
    await setup.gh.storage.upsertGrant({
      id: 'gr_opaque',
      guid,
      appId: partner.appId,
      companyId: second,
      scopes: ['users.read', 'v1_access'],
      grantedBy: null,
    });
    ({ gh, url } = await introspectingNode(setup, rs.clientId));
    verifier = createVerifier({
      issuer: url,
      audience: gh.config.audience,
      introspection: { clientId: rs.clientId, clientSecret: rs.clientSecret },
      grants: { negativeTtlSeconds: 0 },
    });
    auth = createWebAuth({ verifier });
  });
  after(async () => {
    verifier.close();
    await gh.close();
    await setup.close();
  });

  const token = () => clientCredentialsToken(url, partner);

  const call = (value: string, companyGuid: string, scopes: string[]) =>
    auth.authenticateRequest(
      new Request('https://api.example/users', {
        headers: { authorization: `Bearer ${value}`, 'x-company-guid': companyGuid },
      }),
      { scopes, company: true },
    );

  it("reaches the grant's company with the token's scope narrowed to the grant's", async () => {
    const value = await token();
    assert.match(value, /^gtht_/);
    const ok = await call(value, guid, ['users.read']);
    assert.ok(!(ok instanceof Response), 'users.read is granted');
    const ctx = ok as AuthContext;
    assert.deepEqual(ctx.company, { id: second });
    assert.deepEqual(ctx.scope, ['users.read', 'v1_access']);
    assert.deepEqual(ctx.tokenScope, ['users.delete', 'users.read', 'users.write', 'v1_access']);
    for (const scope of ['users.write', 'users.delete']) {
      const refused = await call(value, guid, [scope]);
      assert.ok(refused instanceof Response);
      assert.equal(refused.status, 403);
      const body = (await refused.json()) as { error: string; scope: string; error_description: string };
      assert.equal(body.error, 'insufficient_scope');
      assert.equal(body.scope, scope);
      assert.match(body.error_description, /company's grant/);
      assert.match(refused.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
    }
  });

  it('an unknown GUID, then a revoked grant, is grant_not_found', async () => {
    const value = await token();
    const unknown = await call(value, crypto.randomUUID(), ['users.read']);
    assert.ok(unknown instanceof Response);
    assert.equal(((await unknown.json()) as { error: string }).error, 'grant_not_found');
    await setup.gh.grants.revoke(second, 'gr_opaque', 'test');
    // The feed's guid entry evicts the cached answer within about a second.
    await msUntilStatus(
      async () => {
        const r = await call(value, guid, ['users.read']);
        return r instanceof Response ? r.status : 200;
      },
      403,
      5000,
    );
    const revoked = await call(value, guid, ['users.read']);
    assert.ok(revoked instanceof Response);
    assert.equal(((await revoked.json()) as { error: string }).error, 'grant_not_found');
  });
});
