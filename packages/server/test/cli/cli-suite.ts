import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.ts';
import { Gatehouse } from '../../src/gatehouse.ts';
import { buildHttpApp } from '../../src/http/app.ts';
import { RETIRED_KEY_PUBLISH_MS } from '../../src/keys/schedule.ts';
import { createLogger } from '../../src/logger.ts';
import { basic, FORM, TEST_SECRET } from '../helpers.ts';
import type { TestDatabase } from '../pg.ts';
import { runCli } from './run-cli.ts';

/** The CLI end to end, as child processes, against one database; a server reads the same one. */
export function cliSuite(
  label: string,
  createDatabase: () => Promise<TestDatabase>,
  opts: { lifecycleOnly?: boolean } = {},
): void {
  describe(`gatehouse CLI (${label})`, () => {
    let db: TestDatabase;
    let dir: string;
    let env: Record<string, string>;
    const cli = (args: string[], input?: string) => runCli(args, env, input);

    before(async () => {
      db = await createDatabase();
      dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
      env = { DATABASE_URL: db.url, GATEHOUSE_DATA_DIR: dir, GATEHOUSE_SECRET: TEST_SECRET };
    });
    after(async () => {
      await db.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    /** A server in this process on the CLI's database, to see what the CLI did to tokens. */
    async function server() {
      const config = loadConfig({
        env: {},
        overrides: { databaseUrl: db.url, dataDir: dir, serverSecret: TEST_SECRET, issuer: 'http://gh.test' },
      });
      const logger = createLogger('silent', { pretty: false });
      const gh = await Gatehouse.open(config, { logger });
      const http = await buildHttpApp(gh, logger);
      const token = async (clientId: string, secret: string) =>
        (
          await http.inject({
            method: 'POST',
            url: '/oauth2/token',
            headers: { ...FORM, authorization: basic(clientId, secret) },
            payload: 'grant_type=client_credentials',
          })
        ).statusCode;
      return {
        gh,
        token,
        close: async () => {
          await http.close();
          await gh.close();
        },
      };
    }

    it('migrates, then manages a company and an app through its whole life', async () => {
      const migrated = await cli(['migrate', '--json']);
      assert.equal(migrated.code, 0, migrated.stderr);
      assert.equal(migrated.json().migrated, true);

      const company = await cli(['company', 'create', '--name', 'Acme Inc', '--plan', 'pro', '--json']);
      assert.equal(company.code, 0, company.stderr);
      const co = company.json<{ id: string; name: string; plan: string }>();
      assert.match(co.id, /^co_/);
      assert.deepEqual([co.name, co.plan], ['Acme Inc', 'pro']);
      assert.ok(
        (await cli(['company', 'list', '--json']))
          .json<{ companies: { id: string }[] }>()
          .companies.some((c) => c.id === co.id),
      );

      const created = await cli([
        'app',
        'create',
        '--company',
        co.id,
        '--name',
        'Payroll sync',
        '--scopes',
        'users.read  time_clock.read',
        '--grant-types',
        'client_credentials',
        '--token-ttl',
        '900',
        '--alg',
        'EdDSA',
        '--json',
      ]);
      assert.equal(created.code, 0, created.stderr);
      const app = created.json<
        Record<string, unknown> & { id: string; client_id: string; client_secret: string }
      >();
      assert.match(app.client_secret, /^gths_[A-Za-z0-9_-]{43}$/);
      assert.match(app.client_id, /^cl_/);
      assert.deepEqual(app.scopes, ['time_clock.read', 'users.read']);
      assert.deepEqual(app.grant_types, ['client_credentials']);
      assert.equal(app.token_ttl, 900);
      assert.equal(app.signing_alg, 'EdDSA');
      assert.equal(app.company_id, co.id);
      assert.match(created.stderr, /will not show it again/);

      const listed = (await cli(['app', 'list', '--company', co.id, '--json'])).json<{
        apps: { id: string }[];
      }>();
      assert.deepEqual(
        listed.apps.map((a) => a.id),
        [app.id],
      );

      const shown = await cli(['app', 'show', app.id, '--json']);
      assert.equal(shown.code, 0, shown.stderr);
      const detail = shown.json<{ client_id: string; secrets: { last4: string }[] }>();
      assert.equal(detail.client_id, app.client_id);
      assert.deepEqual(
        detail.secrets.map((s) => s.last4),
        [app.client_secret.slice(-4)],
      );
      assert.ok(!shown.stdout.includes(app.client_secret), 'show never prints the secret');
      assert.ok(!/hash/i.test(shown.stdout), 'nor its hash');

      const srv = await server();
      try {
        assert.equal(await srv.token(app.client_id, app.client_secret), 200);

        const rotated = await cli(['app', 'rotate-secret', app.id, '--json']);
        assert.equal(rotated.code, 0, rotated.stderr);
        const r = rotated.json<{
          client_id: string;
          client_secret: string;
          previous_secrets_valid_until: null;
        }>();
        assert.match(r.client_secret, /^gths_/);
        assert.notEqual(r.client_secret, app.client_secret);
        assert.equal(r.previous_secrets_valid_until, null);
        // The running server hears of the rotation through the invalidation feed.
        await srv.gh.bus.poll();
        assert.equal(await srv.token(app.client_id, app.client_secret), 401, 'old secret refused');
        assert.equal(await srv.token(app.client_id, r.client_secret), 200, 'new secret works');

        const graced = (await cli(['app', 'rotate-secret', app.id, '--grace', '3600', '--json'])).json<{
          client_secret: string;
          previous_secrets_valid_until: string;
        }>();
        assert.ok(Date.parse(graced.previous_secrets_valid_until) > Date.now() + 3_000_000);
        await srv.gh.bus.poll();
        assert.equal(await srv.token(app.client_id, r.client_secret), 200, 'still valid during grace');
        assert.equal(await srv.token(app.client_id, graced.client_secret), 200);

        const deleted = await cli(['app', 'delete', app.id, '--json']);
        assert.equal(deleted.code, 0, deleted.stderr);
        assert.equal(deleted.json().deleted, true);
        await srv.gh.bus.poll();
        assert.equal(await srv.token(app.client_id, graced.client_secret), 401, 'deleted app gets no token');
      } finally {
        await srv.close();
      }
      const gone = await cli(['app', 'show', app.id]);
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, /not found/);
    });

    if (opts.lifecycleOnly) return;

    it('prints a readable summary with the secret and a warning without --json', async () => {
      const co = (await cli(['company', 'create', '--name', 'Text Co', '--json'])).json<{ id: string }>();
      const out = await cli([
        'app',
        'create',
        '--company',
        co.id,
        '--name',
        'Reporter',
        '--scopes',
        'users.read',
      ]);
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, /Client secret: +gths_/);
      assert.match(out.stdout, /will not show it again/);
      const list = await cli(['app', 'list', '--company', co.id]);
      assert.match(list.stdout, /^ID +CLIENT ID +NAME/m);
      assert.match(list.stdout, /Reporter/);
    });

    it('creates users from a piped password and manages memberships', async () => {
      const a = (await cli(['company', 'create', '--name', 'A', '--json'])).json<{ id: string }>();
      const b = (await cli(['company', 'create', '--name', 'B', '--json'])).json<{ id: string }>();
      const email = `ada.${Date.now()}@acme.test`;
      const args = [
        'user',
        'create',
        '--company',
        a.id,
        '--email',
        email,
        '--password-stdin',
        '--role',
        'admin',
        '--json',
      ];
      const user = await cli(args, 'correct horse battery staple\n');
      assert.equal(user.code, 0, user.stderr);
      const u = user.json<{ id: string; email: string; membership: { role: string } }>();
      assert.equal(u.membership.role, 'admin');
      assert.ok(!user.stdout.includes('correct horse'), 'the password is never echoed');
      assert.ok(!/scrypt/.test(user.stdout), 'nor its hash');

      const again = await cli(args, 'another long password\n');
      assert.equal(again.code, 1);
      assert.match(again.stderr, /exists/);
      const short = await cli([...args.slice(0, 5), `x${email}`, '--password-stdin'], 'short\n');
      assert.equal(short.code, 1);
      assert.match(short.stderr, /password must be 12/);

      const m = await cli([
        'user',
        'add-membership',
        '--email',
        email.toUpperCase(),
        '--company',
        b.id,
        '--json',
      ]);
      assert.equal(m.code, 0, m.stderr);
      assert.deepEqual([m.json().user_id, m.json().company_id, m.json().role], [u.id, b.id, 'member']);
      const members = (await cli(['user', 'list', '--company', b.id, '--json'])).json<{
        users: { id: string; role: string }[];
      }>();
      assert.deepEqual(
        members.users.map((x) => [x.id, x.role]),
        [[u.id, 'member']],
      );
    });

    it('lists keys with their state and dates; rotate pre-publishes, --now switches at once', async () => {
      type Key = {
        kid: string;
        alg: string;
        status: string;
        created_at: string;
        activates_at: string | null;
        retired_at: string | null;
        published_until: string | null;
      };
      type Rotated = { alg: string; kid: string; activates_at: string; created: boolean; retired: string[] };
      const listKeys = async () => (await cli(['keys', 'list', '--json'])).json<{ keys: Key[] }>().keys;
      const rs256 = (keys: Key[], status: string) =>
        keys.filter((k) => k.alg === 'RS256' && k.status === status);
      const before = await listKeys();
      const old = rs256(before, 'active')[0];
      assert.ok(old);
      assert.equal(old.activates_at, old.created_at);
      assert.equal(old.published_until, null);

      // Pre-publication: the next key is published now and signs after GATEHOUSE_KEY_PREPUBLISH_HOURS.
      const withHours = { ...env, GATEHOUSE_KEY_PREPUBLISH_HOURS: '2' };
      const started = Date.now();
      const rotated = await runCli(['keys', 'rotate', '--alg', 'RS256', '--json'], withHours);
      assert.equal(rotated.code, 0, rotated.stderr);
      const [next] = rotated.json<{ keys: Rotated[] }>().keys;
      assert.ok(next?.created);
      assert.deepEqual(next.retired, []);
      const signsFrom = Date.parse(next.activates_at) - started;
      assert.ok(signsFrom >= 2 * 3_600_000 && signsFrom < 2 * 3_600_000 + 60_000, `${signsFrom} ms`);
      const during = await listKeys();
      assert.deepEqual(
        rs256(during, 'next').map((k) => [k.kid, k.activates_at]),
        [[next.kid, next.activates_at]],
      );
      assert.equal(rs256(during, 'active')[0]?.kid, old.kid, 'the old key signs until then');
      const again = await runCli(['keys', 'rotate', '--alg', 'RS256'], withHours);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, new RegExp(`RS256: key ${next.kid} is already published as the next key`));
      const table = await cli(['keys', 'list']);
      assert.match(table.stdout, /KID +ALG +STATUS +CREATED +SIGNS FROM +RETIRED +PUBLISHED UNTIL/);
      assert.match(table.stdout, new RegExp(`${next.kid} +RS256 +next `));

      // The emergency: a new key signs at once, the pending one is discarded, the old one retired.
      const now = await cli(['keys', 'rotate', '--alg', 'RS256', '--now', '--json']);
      assert.equal(now.code, 0, now.stderr);
      const [fresh] = now.json<{ keys: Rotated[] }>().keys;
      assert.ok(fresh && fresh.kid !== next.kid);
      assert.deepEqual(fresh.retired, [old.kid]);
      const after = await listKeys();
      assert.deepEqual(rs256(after, 'next'), []);
      assert.equal(rs256(after, 'active')[0]?.kid, fresh.kid);
      const retired = rs256(after, 'retired')[0];
      assert.equal(retired?.kid, old.kid);
      assert.equal(
        Date.parse(retired.published_until ?? '') - Date.parse(retired.retired_at ?? ''),
        RETIRED_KEY_PUBLISH_MS,
      );
      const s = await server();
      try {
        assert.equal(s.gh.keys.signingKey('RS256').kid, fresh.kid);
      } finally {
        await s.close();
      }
      const text = await cli(['keys', 'rotate', '--now']);
      assert.equal(text.code, 0, text.stderr);
      for (const alg of ['ES256', 'RS256', 'EdDSA'])
        assert.match(text.stdout, new RegExp(`^${alg}: key \\S+ signs now`, 'm'));
      assert.ok(
        !/"d"|private/i.test((await cli(['keys', 'list', '--json'])).stdout),
        'no private key material',
      );
    });

    it('refuses to start on an invalid rotation setting, naming it', async () => {
      for (const [name, value] of [
        ['GATEHOUSE_KEY_ROTATION_DAYS', 'monthly'],
        ['GATEHOUSE_KEY_PREPUBLISH_HOURS', '0'],
      ] as const) {
        const out = await runCli(['keys', 'list'], { ...env, [name]: value });
        assert.notEqual(out.code, 0);
        assert.match(out.stderr, new RegExp(`${name} must be`));
      }
    });

    it('exits 2 with a message on stderr for usage errors', async () => {
      for (const args of [
        ['app', 'create', '--company', 'co_x', '--name', 'n'],
        ['app', 'create', '--bogus'],
        ['app', 'show'],
        ['app', 'frobnicate'],
        ['nonsense'],
        ['app', 'create', '--company', 'c', '--name', 'n', '--scopes', 'a', '--token-ttl', 'soon'],
        ['keys', 'rotate', '--alg', 'HS256'],
        ['keys', 'rotate', '--withdraw'],
      ]) {
        const out = await cli(args);
        assert.equal(out.code, 2, `${args.join(' ')}: ${out.stderr}`);
        assert.match(out.stderr, /^gatehouse: .+/, args.join(' '));
        assert.equal(out.stdout, '');
      }
    });

    it('exits 1 with the domain error on stderr', async () => {
      const missing = await cli([
        'app',
        'create',
        '--company',
        'co_nope',
        '--name',
        'n',
        '--scopes',
        'users.read',
        '--json',
      ]);
      assert.equal(missing.code, 1);
      assert.deepEqual(JSON.parse(missing.stderr), { error: 'not_found', message: 'company not found' });
      const co = (await cli(['company', 'create', '--name', 'V', '--json'])).json<{ id: string }>();
      const invalid = await cli([
        'app',
        'create',
        '--company',
        co.id,
        '--name',
        'n',
        '--scopes',
        'a',
        '--redirect-uri',
        'http://evil.example/cb',
      ]);
      assert.equal(invalid.code, 1);
      assert.match(invalid.stderr, /must use https/);
      assert.equal(invalid.stdout, '');
    });
  });
}
