import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AppInput } from '../../src/apps/validation.ts';
import type { DeviceStep, DeviceVerification } from '../../src/authorization/device-verification.ts';
import type { ActiveSession } from '../../src/authorization/session-service.ts';
import { loadConfig } from '../../src/config/index.ts';
import { Gatehouse } from '../../src/gatehouse.ts';
import { createLogger } from '../../src/logger.ts';
import { DEVICE_CODE_GRANT } from '../../src/oauth/endpoints/device-authorization.ts';
import { Params } from '../../src/oauth/params.ts';
import { openStorage } from '../../src/storage/sql/storage.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { sha256 } from '../../src/util/hash.ts';
import { forDialects, type TestDatabase, withTestPostgres } from '../pg.ts';

// The device verification as a domain module: real services over a real database (SQLite, and
// PostgreSQL when it answers), no HTTP server. Each case starts a device request through the
// protocol core and walks the person's side step by step.

const PASSWORD = 'correct horse battery staple';
type Who = 'anonymous' | 'solo' | 'multi' | 'member';

function deviceIdOf(step: DeviceStep | { kind: string }, kind: string): string {
  assert.equal(step.kind, kind, JSON.stringify(step));
  assert.ok('deviceId' in step && typeof step.deviceId === 'string');
  return step.deviceId;
}

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`the device verification without HTTP (${dialect})`, { skip: skip || false }, () => {
    let gh: Gatehouse;
    let device: DeviceVerification;
    let storage: Storage | undefined;
    let db: TestDatabase | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'gh-device-'));
    const users = {} as Record<Exclude<Who, 'anonymous'>, string>;
    const companies = {} as Record<'acme' | 'bistro', string>;
    let clientId = '';
    let skippingClientId = '';
    let ip = 0;
    /** Each case from its own address, so the throttle case alone wears one down. */
    const nextIp = () => `198.51.100.${++ip}`;

    before(async () => {
      if (dialect === 'postgres') {
        db = await withTestPostgres();
        storage = openStorage(db.url);
      }
      const config = loadConfig({
        env: {},
        overrides: {
          dataDir: dir,
          serverSecret: 'device-test-secret-0123456789abcdef',
          issuer: 'http://gatehouse.test',
        },
      });
      gh = await Gatehouse.open(config, {
        logger: createLogger('silent', { pretty: false }),
        ...(storage ? { storage } : {}),
      });
      device = gh.device.verification;
      const co = gh.companies;
      companies.acme = (await co.createCompany({ name: 'Acme' }, 'test')).id;
      companies.bistro = (await co.createCompany({ name: 'Bistro' }, 'test')).id;
      const user = async (name: string, memberships: [string, 'admin' | 'member'][]) => {
        const u = await co.createUser({ email: `${name}@device.test`, password: PASSWORD }, 'test');
        for (const [companyId, role] of memberships) await co.addMembership(u.id, companyId, role, 'test');
        return u.id;
      };
      users.solo = await user('solo', [[companies.acme, 'admin']]);
      users.multi = await user('multi', [
        [companies.acme, 'admin'],
        [companies.bistro, 'admin'],
      ]);
      users.member = await user('member', [[companies.acme, 'member']]);
      const app = async (input: Partial<AppInput>) =>
        (
          await gh.apps.create(
            {
              companyId: companies.acme,
              name: 'TV app',
              type: 'partner',
              clientType: 'public',
              scopes: ['users.read', 'users.write'],
              grantTypes: [DEVICE_CODE_GRANT],
              ...input,
            },
            'test',
          )
        ).app.clientId;
      clientId = await app({});
      skippingClientId = await app({ name: 'Skipping TV app', skipConsent: true });
    });
    after(async () => {
      await gh?.close();
      await storage?.close();
      await db?.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    async function session(who: Who): Promise<ActiveSession> {
      const anonymous = await gh.sessions.startAnonymous();
      return who === 'anonymous' ? anonymous : gh.sessions.signIn(anonymous, users[who]);
    }

    /** A device's request, as POST /oauth2/device_authorization makes it. */
    async function started(client = clientId, scope = 'users.read') {
      const params = Params.fromEntries([
        ['client_id', client],
        ['scope', scope],
      ]);
      return gh.device.endpoint.handle({ params }, gh.oauthContext);
    }

    test('anonymous: the form; a right code goes to sign-in, a wrong one back to the form', async () => {
      const active = await session('anonymous');
      const at = nextIp();
      const { user_code } = await started();
      assert.deepEqual(await device.show(active, undefined, at), { kind: 'enter' });
      assert.deepEqual(await device.show(active, user_code, at), { kind: 'enter', userCode: user_code });
      const typed = ` ${user_code.toLowerCase().replace('-', '')} `;
      assert.deepEqual(await device.submit(active, typed, at), { kind: 'sign-in', userCode: user_code });
      const wrong = await device.submit(active, 'BCDF-GHJK', at);
      assert.deepEqual(wrong, { kind: 'enter', userCode: 'BCDF-GHJK', error: 'invalid' });
      assert.equal((await device.submit(active, 'AEIO-U123', at)).kind, 'enter', 'outside the alphabet');
      assert.deepEqual(await device.confirm(active, user_code, 'continue', at), {
        kind: 'error-page',
        status: 400,
        title: { key: 'flow.expired_title' },
        message: { key: 'flow.gone' },
      });
    });

    test('signed in with two companies: confirm, choose, consent, approved once', async () => {
      const active = await session('multi');
      const at = nextIp();
      const { user_code, device_code } = await started(clientId, 'openid users.read');
      const shown = await device.show(active, user_code, at);
      assert.equal(shown.kind, 'confirm-page');
      assert.ok(shown.kind === 'confirm-page');
      assert.equal(shown.userCode, user_code);
      assert.equal(shown.app.clientId, clientId);
      assert.deepEqual(shown.scopes, ['openid', 'users.read']);
      const id = deviceIdOf(await device.confirm(active, user_code, 'continue', at), 'choose-company');
      const chooser = await device.companyChoice(active, id);
      assert.equal(chooser.kind, 'company-page');
      assert.ok(chooser.kind === 'company-page');
      assert.deepEqual(chooser.companies.map((c) => c.name).sort(), ['Acme', 'Bistro']);
      assert.equal(deviceIdOf(await device.chooseCompany(active, id, 'co_nope'), 'choose-company'), id);
      deviceIdOf(await device.chooseCompany(active, id, companies.bistro), 'continue');
      deviceIdOf(await device.advance(active, id), 'consent');
      const consent = await device.consentView(active, id);
      assert.equal(consent.kind, 'consent-page');
      assert.ok(consent.kind === 'consent-page');
      assert.equal(consent.company.name, 'Bistro');
      // Another session cannot go on with it.
      const other = await session('multi');
      assert.equal((await device.decide(other, id, 'grant')).kind, 'error-page');
      assert.deepEqual(await device.decide(active, id, 'grant'), { kind: 'approved', appName: 'TV app' });
      assert.equal((await device.decide(active, id, 'grant')).kind, 'error-page', 'decided once');

      const polled = await gh.storage.recordDevicePoll(sha256(device_code), 5);
      assert.equal(polled?.authorization.status, 'approved');
      assert.equal(polled?.authorization.companyId, companies.bistro);
      const grant = await gh.storage.getActiveGrant(polled?.authorization.appId ?? '', companies.bistro);
      assert.deepEqual(grant?.scopes, ['users.read'], 'the company grant holds the API scopes');
      // The code is spent: entering it again finds nothing.
      assert.equal((await device.show(active, user_code, at)).kind, 'enter');
    });

    test('one company: straight to consent; deny ends it for the device', async () => {
      const active = await session('solo');
      const at = nextIp();
      const { user_code, device_code } = await started();
      const id = deviceIdOf(await device.confirm(active, user_code, 'continue', at), 'consent');
      assert.deepEqual(await device.decide(active, id, 'deny'), { kind: 'denied', appName: 'TV app' });
      assert.equal(
        (await gh.storage.recordDevicePoll(sha256(device_code), 5))?.authorization.status,
        'denied',
      );
    });

    test('deny on the confirmation: nothing is granted, the device hears access_denied', async () => {
      const active = await session('solo');
      const { user_code, device_code } = await started();
      assert.equal((await device.confirm(active, user_code, 'deny', nextIp())).kind, 'denied');
      assert.equal(
        (await gh.storage.recordDevicePoll(sha256(device_code), 5))?.authorization.status,
        'denied',
      );
    });

    test('a member who administers no company: denied', async () => {
      const active = await session('member');
      const { user_code } = await started();
      assert.equal((await device.confirm(active, user_code, 'continue', nextIp())).kind, 'denied');
    });

    test('remembered consent: an active grant that covers the request skips the consent page', async () => {
      const at = nextIp();
      const first = await session('solo');
      const one = await started(skippingClientId);
      const id = deviceIdOf(await device.confirm(first, one.user_code, 'continue', at), 'consent');
      assert.equal((await device.decide(first, id, 'grant')).kind, 'approved');
      const two = await started(skippingClientId);
      assert.equal((await device.confirm(first, two.user_code, 'continue', at)).kind, 'approved');
    });

    test('guessing: five wrong codes per session, then a wait even for the right one', async () => {
      const active = await session('solo');
      const at = nextIp();
      const { user_code } = await started();
      for (let i = 0; i < 5; i++)
        assert.equal((await device.submit(active, `BCDF-GHJ${'KLMNP'[i]}`, at)).kind, 'enter');
      const held = await device.submit(active, user_code, at);
      assert.equal(held.kind, 'throttled');
      assert.ok(held.kind === 'throttled' && held.retryAfter > 0);
      // A right code does not count: another session from the same address goes on.
      const other = await session('solo');
      assert.equal((await device.show(other, user_code, at)).kind, 'confirm-page');
    });

    test('guessing from many sessions: twenty wrong codes per address, then the address waits', async () => {
      const at = nextIp();
      for (let s = 0; s < 4; s++) {
        const active = await session('anonymous');
        for (let i = 0; i < 5; i++)
          assert.equal((await device.submit(active, 'BCDF-GHJK', at)).kind, 'enter');
      }
      const fresh = await session('anonymous');
      assert.equal((await device.submit(fresh, 'BCDF-GHJK', at)).kind, 'throttled', 'the address is spent');
      assert.equal(
        (await device.submit(fresh, 'BCDF-GHJK', nextIp())).kind,
        'enter',
        'another address is not',
      );
    });
  });
});
