import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256 } from '../../../src/util/hash.ts';
import { newId } from '../../../src/util/random.ts';
import type { SuiteContext } from '../conformance.ts';
import { appRecord, newApp, newCompany, secretRecord, unencodableData } from '../fixtures.ts';

export function appTests(ctx: SuiteContext): void {
  describe('apps', () => {
    it('creates an app with its first secret and reads every field back', async () => {
      const s = ctx.storage();
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
    });

    it('rolls the app and its secret back when the audit insert fails', async () => {
      const s = ctx.storage();
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
      const rows = await s.db
        .selectFrom('app_secrets')
        .select('id')
        .where('app_id', '=', record.id)
        .execute();
      assert.deepEqual(rows, []);
    });

    it('lists a company’s apps newest first and stamps last use', async () => {
      const s = ctx.storage();
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

    it('never lets another company reach an app by id', async () => {
      const s = ctx.storage();
      const [owner, other] = [await newCompany(s), await newCompany(s)];
      const { app } = await newApp(s, owner.id);
      const grant = await s.upsertGrant({
        id: newId('grt'),
        guid: newId('g'),
        appId: app.id,
        companyId: owner.id,
        scopes: ['users.read'],
        grantedBy: null,
      });
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
    });

    it('rotates a secret without grace: only the new one is live', async () => {
      const s = ctx.storage();
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
    });

    it('rotates a secret with grace: the old one lives until then and never longer', async () => {
      const s = ctx.storage();
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
      assert.equal(later?.secrets.find((x) => x.id === old?.id)?.expiresAt?.getTime(), graceUntil.getTime());
      assert.equal(later?.secrets.length, 3);

      const afterGrace = await s.findAppByClientId(app.clientId, new Date(graceUntil.getTime() + 1));
      assert.deepEqual(afterGrace?.secrets.map((x) => x.id).sort(), [second.id, third.id].sort());
      assert.equal((await s.listAuditEvents(co.id, { action: 'app.secret_rotated' })).items.length, 1);
    });

    it('deletes an app with its secrets and grants', async () => {
      const s = ctx.storage();
      const co = await newCompany(s);
      const customer = await newCompany(s);
      const { app } = await newApp(s, co.id);
      await s.rotateAppSecret(co.id, app.id, secretRecord(), new Date(Date.now() + 60_000));
      const grant = await s.upsertGrant({
        id: newId('grt'),
        guid: newId('g'),
        appId: app.id,
        companyId: customer.id,
        scopes: ['users.read'],
        grantedBy: null,
      });
      assert.equal(
        await s.deleteApp(co.id, app.id, {
          audit: { companyId: co.id, actor: 'cli', action: 'app.deleted', target: `app:${app.id}`, data: {} },
        }),
        true,
      );
      assert.equal(await s.getAppById(app.id), undefined);
      assert.equal(await s.findAppByClientId(app.clientId), undefined);
      assert.equal(await s.getGrantByGuid(grant.guid), undefined);
      assert.deepEqual(await s.listGrantsOfCompany(customer.id), []);
      const secrets = await s.db
        .selectFrom('app_secrets')
        .select('id')
        .where('app_id', '=', app.id)
        .execute();
      assert.deepEqual(secrets, []);
      assert.equal(await s.deleteApp(co.id, app.id), false, 'a second delete finds nothing');
      assert.equal((await s.listAuditEvents(co.id, { action: 'app.deleted' })).items.length, 1);
    });
  });
}
