import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { AppEdit } from '../../../src/storage/storage.ts';
import { sha256 } from '../../../src/util/hash.ts';
import { newId } from '../../../src/util/random.ts';
import { appRecord, newApp, newCompany, newGrant, secretRecord, unencodableData } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

export function appTests({ it }: SuiteContext): void {
  describe('apps', () => {
    it(
      'creates an app with its first secret and reads every field back',
      ['createApp', 'getApp', 'getAppById', 'findAppByClientId'],
      async (s) => {
        const co = await newCompany(s);
        const record = appRecord(co.id, {
          name: 'Partner portal',
          logoUrl: 'https://partner.example/logo.png',
          type: 'partner',
          grantTypes: ['authorization_code', 'refresh_token'],
          scopes: ['schedule.read', 'users.read'],
          redirectUris: ['https://partner.example/cb', 'http://127.0.0.1:8080/cb'],
          tokenTtl: 900,
          signingAlg: 'EdDSA',
          grantDelivery: 'company_grant',
        });
        const secret = secretRecord('gths_plain');
        const app = await s.createApp(record, secret);
        assert.deepEqual(
          { ...app, createdAt: undefined, secrets: undefined },
          {
            ...record,
            createdAt: undefined,
            lastUsedAt: null,
            secrets: undefined,
          },
        );
        assert.equal(app.secrets.length, 1);
        assert.equal(app.secrets[0]?.secretHash, sha256('gths_plain'));
        assert.equal(app.secrets[0]?.last4, 'lain');
        assert.equal(app.secrets[0]?.expiresAt, null);
        assert.deepEqual(await s.getApp(co.id, app.id), app);
        assert.deepEqual(await s.getAppById(app.id), app);
        assert.deepEqual(await s.findAppByClientId(app.clientId), app);
        assert.equal(await s.findAppByClientId(newId('cl', 24)), undefined);
        assert.equal(await s.getAppById(newId('app')), undefined);
      },
    );

    it(
      'rolls the app and its secret back when the audit insert fails',
      ['createApp', 'getAppById'],
      async (s, { raw }) => {
        const co = await newCompany(s);
        const record = appRecord(co.id);
        await assert.rejects(
          s.createApp(record, secretRecord(), {
            audit: {
              companyId: co.id,
              actor: 'cli',
              action: 'app.created',
              target: null,
              data: unencodableData(),
            },
          }),
        );
        assert.equal(await s.getAppById(record.id), undefined);
        assert.deepEqual(await raw.appSecretIds(record.id), []);
      },
    );

    it('lists a company’s apps newest first and stamps last use', ['listApps', 'touchApps'], async (s) => {
      const co = await newCompany(s);
      const first = (await newApp(s, co.id, { name: 'first' })).app;
      await new Promise((r) => setTimeout(r, 5));
      const second = (await newApp(s, co.id, { name: 'second' })).app;
      assert.deepEqual(
        (await s.listApps(co.id)).map((a) => a.name),
        ['second', 'first'],
      );
      const at = new Date(Date.now() - 1000);
      await s.touchApps(new Map([[first.id, at]]));
      await s.touchApps(new Map());
      assert.equal((await s.getApp(co.id, first.id))?.lastUsedAt?.getTime(), at.getTime());
      assert.equal((await s.getApp(co.id, second.id))?.lastUsedAt, null);
    });

    it(
      'never lets another company reach an app by id',
      [
        'getApp',
        'listApps',
        'rotateAppSecret',
        'deleteApp',
        'revokeGrant',
        'listGrantsOfCompany',
        'getActiveGrant',
      ],
      async (s) => {
        const [owner, other] = [await newCompany(s), await newCompany(s)];
        const { app } = await newApp(s, owner.id);
        const grant = await newGrant(s, app.id, owner.id);
        assert.equal(await s.getApp(other.id, app.id), undefined);
        assert.deepEqual(await s.listApps(other.id), []);
        assert.equal(await s.rotateAppSecret(other.id, app.id, secretRecord(), new Date()), undefined);
        assert.equal(await s.deleteApp(other.id, app.id), false);
        assert.equal(await s.revokeGrant(other.id, grant.id), false);
        assert.deepEqual(await s.listGrantsOfCompany(other.id), []);
        assert.equal(await s.getActiveGrant(app.id, other.id), undefined);
        // Nothing changed for the owner.
        assert.deepEqual(await s.getApp(owner.id, app.id), app);
        assert.equal((await s.getActiveGrant(app.id, owner.id))?.id, grant.id);
      },
    );

    it(
      'rotates a secret without grace: only the new one is live',
      ['rotateAppSecret', 'findAppByClientId'],
      async (s) => {
        const co = await newCompany(s);
        const { app } = await newApp(s, co.id);
        const next = secretRecord();
        const rotated = await s.rotateAppSecret(co.id, app.id, next, new Date());
        assert.deepEqual(
          rotated?.secrets.map((x) => x.id),
          [next.id],
        );
        assert.deepEqual(
          (await s.findAppByClientId(app.clientId))?.secrets.map((x) => x.secretHash),
          [next.secretHash],
        );
      },
    );

    it(
      'rotates a secret with grace: the old one lives until then and never longer',
      ['rotateAppSecret', 'findAppByClientId', 'listAuditEvents'],
      async (s) => {
        const co = await newCompany(s);
        const { app } = await newApp(s, co.id);
        const old = app.secrets[0];
        const graceUntil = new Date(Date.now() + 60_000);
        const second = secretRecord();
        const rotated = await s.rotateAppSecret(co.id, app.id, second, graceUntil, {
          audit: {
            companyId: co.id,
            actor: 'cli',
            action: 'app.secret_rotated',
            target: `app:${app.id}`,
            data: {},
          },
        });
        assert.deepEqual(rotated?.secrets.map((x) => x.id).sort(), [old?.id, second.id].sort());
        assert.equal(
          rotated?.secrets.find((x) => x.id === old?.id)?.expiresAt?.getTime(),
          graceUntil.getTime(),
        );
        assert.equal(rotated?.secrets.find((x) => x.id === second.id)?.expiresAt, null);

        // A later rotation with a longer grace must not extend the first secret's life.
        const third = secretRecord();
        const later = await s.rotateAppSecret(co.id, app.id, third, new Date(Date.now() + 3_600_000));
        assert.equal(
          later?.secrets.find((x) => x.id === old?.id)?.expiresAt?.getTime(),
          graceUntil.getTime(),
        );
        assert.equal(later?.secrets.length, 3);

        const afterGrace = await s.findAppByClientId(app.clientId, new Date(graceUntil.getTime() + 1));
        assert.deepEqual(afterGrace?.secrets.map((x) => x.id).sort(), [second.id, third.id].sort());
        assert.equal((await s.listAuditEvents(co.id, { action: 'app.secret_rotated' })).items.length, 1);
      },
    );

    it(
      'deletes an app with its secrets and grants',
      ['deleteApp', 'getAppById', 'findAppByClientId', 'getGrantByGuid', 'listGrantsOfCompany'],
      async (s, { raw }) => {
        const co = await newCompany(s);
        const customer = await newCompany(s);
        const { app } = await newApp(s, co.id);
        await s.rotateAppSecret(co.id, app.id, secretRecord(), new Date(Date.now() + 60_000));
        const grant = await newGrant(s, app.id, customer.id);
        assert.equal(
          await s.deleteApp(co.id, app.id, {
            audit: {
              companyId: co.id,
              actor: 'cli',
              action: 'app.deleted',
              target: `app:${app.id}`,
              data: {},
            },
          }),
          true,
        );
        assert.equal(await s.getAppById(app.id), undefined);
        assert.equal(await s.findAppByClientId(app.clientId), undefined);
        assert.equal(await s.getGrantByGuid(grant.guid), undefined);
        assert.deepEqual(await s.listGrantsOfCompany(customer.id), []);
        assert.deepEqual(await raw.appSecretIds(app.id), []);
        assert.equal(await s.deleteApp(co.id, app.id), false, 'a second delete finds nothing');
        assert.equal((await s.listAuditEvents(co.id, { action: 'app.deleted' })).items.length, 1);
      },
    );

    it(
      'updateApp sets only the edited fields, as a compare-and-set, with its invalidation and audit',
      ['updateApp', 'getApp', 'listAuditEvents', 'invalidationsSince', 'latestInvalidationSeq'],
      async (s) => {
        const [co, other] = [await newCompany(s), await newCompany(s)];
        const { app } = await newApp(s, co.id, {
          type: 'partner',
          grantTypes: ['authorization_code'],
          redirectUris: ['https://partner.example/cb'],
        });
        const seq = await s.latestInvalidationSeq();
        const edit: Required<AppEdit> = {
          name: 'Renamed',
          logoUrl: 'https://partner.example/logo.png',
          redirectUris: ['https://partner.example/new'],
          tokenTtl: 600,
          signingAlg: 'EdDSA',
          tokenFormat: 'opaque',
          grantDelivery: 'company_grant',
          grantTypes: ['authorization_code', 'implicit', 'urn:ietf:params:oauth:grant-type:token-exchange'],
          skipConsent: true,
          tokenEndpointAuthMethod: 'private_key_jwt',
          jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }] },
          jwksUri: null,
          requirePushedAuthorizationRequests: true,
          dpopBoundAccessTokens: true,
          useDpopNonce: true,
          autoConsent: true,
          postLogoutRedirectUris: ['https://partner.example/signed-out'],
          backchannelLogoutUri: 'https://partner.example/backchannel',
          tokenExchange: {
            allowedResources: ['https://api.example.com/payroll'],
            allowedSubjectClients: ['cl_frontend'],
            actorToken: 'required',
          },
        };
        const expected = {
          name: app.name,
          logoUrl: null,
          redirectUris: app.redirectUris,
          tokenTtl: app.tokenTtl,
          signingAlg: app.signingAlg,
          tokenFormat: app.tokenFormat,
          grantDelivery: app.grantDelivery,
          grantTypes: app.grantTypes,
          skipConsent: false,
          tokenEndpointAuthMethod: app.tokenEndpointAuthMethod,
          jwks: null,
          jwksUri: null,
          requirePushedAuthorizationRequests: false,
          dpopBoundAccessTokens: false,
          useDpopNonce: false,
          autoConsent: false,
          postLogoutRedirectUris: [],
          backchannelLogoutUri: null,
          tokenExchange: null,
        };
        const audit = {
          companyId: co.id,
          actor: 'cli',
          action: 'app.updated',
          target: `app:${app.id}`,
          data: {},
        };
        assert.equal(await s.updateApp(other.id, app.id, expected, edit), undefined, "another company's app");
        const updated = await s.updateApp(co.id, app.id, expected, edit, { audit });
        assert.ok(updated && updated !== 'changed');
        assert.deepEqual(
          { ...updated, secrets: undefined },
          {
            ...app,
            ...edit,
            grantTypes: [...edit.grantTypes],
            redirectUris: [...edit.redirectUris],
            secrets: undefined,
          },
        );
        assert.deepEqual(updated.secrets, app.secrets, 'secrets are untouched');
        assert.deepEqual(await s.getApp(co.id, app.id), updated);
        assert.deepEqual(
          (await s.invalidationsSince(seq)).map((i) => i.key),
          [`client:${app.clientId}`],
        );
        assert.equal((await s.listAuditEvents(co.id, { action: 'app.updated' })).items.length, 1);

        // A stale expectation (a null logo that is no longer null) changes nothing.
        assert.equal(await s.updateApp(co.id, app.id, { logoUrl: null }, { name: 'Lost update' }), 'changed');
        assert.equal((await s.getApp(co.id, app.id))?.name, 'Renamed');
        // Two edits from the same reading: exactly one wins.
        const results = await Promise.all(
          ['First', 'Second'].map((name) => s.updateApp(co.id, app.id, { name: 'Renamed' }, { name })),
        );
        assert.equal(results.filter((r) => r === 'changed').length, 1);
        const winner = results.find((r) => r !== 'changed');
        assert.ok(winner);
        assert.equal((await s.getApp(co.id, app.id))?.name, winner.name);
        // Back to no logo: the null is written, not skipped.
        const cleared = await s.updateApp(co.id, app.id, { logoUrl: edit.logoUrl }, { logoUrl: null });
        assert.ok(cleared && cleared !== 'changed');
        assert.equal(cleared.logoUrl, null);
      },
    );

    it('updateApp rolls back when the audit insert fails', ['updateApp', 'getApp'], async (s) => {
      const co = await newCompany(s);
      const { app } = await newApp(s, co.id);
      const audit = {
        companyId: co.id,
        actor: 'cli',
        action: 'app.updated',
        target: null,
        data: unencodableData(),
      };
      await assert.rejects(s.updateApp(co.id, app.id, { name: app.name }, { name: 'Never' }, { audit }));
      assert.equal((await s.getApp(co.id, app.id))?.name, app.name);
    });

    it(
      'touchApps stamps each app with its own time; later stamps overwrite, unknown ids are ignored',
      ['touchApps', 'getApp'],
      async (s) => {
        const co = await newCompany(s);
        const [a, b, c] = [
          (await newApp(s, co.id)).app,
          (await newApp(s, co.id)).app,
          (await newApp(s, co.id)).app,
        ];
        await s.touchApps(
          new Map([
            [a.id, new Date(1_700_000_000_123)],
            [b.id, new Date(1_700_000_500_456)],
            ['app_that_does_not_exist', new Date(1_700_000_900_000)],
          ]),
        );
        assert.equal((await s.getApp(co.id, a.id))?.lastUsedAt?.getTime(), 1_700_000_000_123);
        assert.equal((await s.getApp(co.id, b.id))?.lastUsedAt?.getTime(), 1_700_000_500_456);
        assert.equal((await s.getApp(co.id, c.id))?.lastUsedAt, null);
        await s.touchApps(new Map([[a.id, new Date(1_800_000_000_000)]]));
        await s.touchApps(new Map());
        assert.equal((await s.getApp(co.id, a.id))?.lastUsedAt?.getTime(), 1_800_000_000_000);
        assert.equal((await s.getApp(co.id, b.id))?.lastUsedAt?.getTime(), 1_700_000_500_456);
      },
    );

    it('touchApps writes batches larger than one statement holds', ['touchApps', 'listApps'], async (s) => {
      const co = await newCompany(s);
      const apps = [];
      for (let i = 0; i < 3; i++) apps.push((await newApp(s, co.id)).app);
      // 2,500 stamps, most for unknown apps: three statements of at most 1,000 rows each.
      const stamps = new Map<string, Date>();
      for (let i = 0; i < 2497; i++) stamps.set(`app_unknown_${i}`, new Date(i));
      for (const [i, app] of apps.entries()) stamps.set(app.id, new Date(1_700_000_000_000 + i));
      await s.touchApps(stamps);
      const listed = await s.listApps(co.id);
      for (const [i, app] of apps.entries())
        assert.equal(listed.find((x) => x.id === app.id)?.lastUsedAt?.getTime(), 1_700_000_000_000 + i);
    });

    it('tells whether any app may use a grant type', ['anyAppWithGrantType'], async (s) => {
      const co = await newCompany(s);
      // A made-up grant type no other test uses, so the answer depends on this test alone.
      const custom = `urn:example:grant:${newId('gt')}`;
      assert.equal(await s.anyAppWithGrantType(custom), false);
      await newApp(s, co.id, { grantTypes: ['client_credentials', custom] });
      assert.equal(await s.anyAppWithGrantType(custom), true);
      assert.equal(await s.anyAppWithGrantType('client_credentials'), true);
      // Matched as a whole entry of the list, not as a fragment of one.
      assert.equal(await s.anyAppWithGrantType(custom.slice(0, -1)), false);
    });
  });
}
