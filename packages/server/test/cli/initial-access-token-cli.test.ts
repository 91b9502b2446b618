import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { durationOpt } from '../../src/cli/initial-access-token.ts';
import type { Gatehouse } from '../../src/gatehouse.ts';
import { openCliServer } from './cli-server.ts';
import { runCli } from './run-cli.ts';

describe('gatehouse initial-access-token commands', () => {
  let dir: string;
  let env: Record<string, string>;
  let gh: Gatehouse;
  let http: FastifyInstance;
  let companyId: string;
  const cli = (args: string[]) => runCli(args, env);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-iat-'));
    ({ env, gh, http } = await openCliServer(dir, `sqlite:${join(dir, 'cli.db')}`));
    companyId = (await gh.companies.createCompany({ name: 'Acme' }, 'test')).id;
  });
  after(async () => {
    await http.close();
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a token shown once with its limits, registers with it, lists it without the token, revokes it', async () => {
    const created = await cli([
      'initial-access-token',
      'create',
      '--company',
      companyId,
      '--name',
      'Shiftly',
      '--scopes',
      'users.read',
      '--grant-types',
      'client_credentials',
      '--redirect-uri-pattern',
      'https://shiftly.example/*',
      '--max-apps',
      '1',
      '--expires-in',
      '7d',
      '--json',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const t = created.json<{
      id: string;
      token: string;
      last4: string;
      allowed_scopes: string[];
      allowed_grant_types: string[];
      redirect_uri_patterns: string[];
      max_apps: number;
      expires_at: string;
      created_by: string;
    }>();
    assert.match(t.token, /^gthia_/);
    assert.equal(t.last4, t.token.slice(-4));
    assert.deepEqual(t.allowed_scopes, ['users.read']);
    assert.deepEqual(t.allowed_grant_types, ['client_credentials']);
    assert.deepEqual(t.redirect_uri_patterns, ['https://shiftly.example/*']);
    assert.equal(t.max_apps, 1);
    assert.equal(t.created_by, 'cli');
    assert.ok(Math.abs(Date.parse(t.expires_at) - Date.now() - 7 * 86_400_000) < 120_000);
    assert.match(created.stderr, /will not show it again/);

    const reg = await http.inject({
      method: 'POST',
      url: '/oauth2/register',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
      payload: { grant_types: ['client_credentials'], scope: 'users.read' },
    });
    assert.equal(reg.statusCode, 201, reg.body);

    const listed = await cli(['initial-access-token', 'list', '--company', companyId, '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(!listed.stdout.includes(t.token));
    const rows = listed.json<{ initial_access_tokens: Array<{ id: string; uses: number; status: string }> }>()
      .initial_access_tokens;
    assert.deepEqual(
      rows.map((r) => [r.id, r.uses, r.status]),
      [[t.id, 1, 'used_up']],
    );
    const text = await cli(['initial-access-token', 'list', '--company', companyId]);
    assert.match(text.stdout, /used_up\s+1\/1/);

    // The registered app is marked in `app show --json`, through the same mapper as the API.
    const shown = await cli(['app', 'show', reg.json().client_id, '--json']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(shown.json<{ registration: string }>().registration, 'dynamic');
    assert.equal(shown.json<{ initial_access_token_id: string }>().initial_access_token_id, t.id);

    const revoked = await cli(['initial-access-token', 'revoke', t.id, '--json']);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.deepEqual(revoked.json(), { id: t.id, revoked: true });
    const again = await cli(['initial-access-token', 'revoke', t.id, '--json']);
    assert.equal(again.code, 1);
  });

  it('refuses bad input: exit 2 for a malformed flag, 1 for limits the rules refuse', async () => {
    const badDuration = await cli([
      'initial-access-token',
      'create',
      '--company',
      companyId,
      '--expires-in',
      'soon',
    ]);
    assert.equal(badDuration.code, 2);
    assert.match(badDuration.stderr, /--expires-in must be a duration/);
    const badPattern = await cli([
      'initial-access-token',
      'create',
      '--company',
      companyId,
      '--redirect-uri-pattern',
      'https://app.example*',
      '--json',
    ]);
    assert.equal(badPattern.code, 1);
    assert.match(badPattern.stderr, /redirect_uri_patterns/);
    const noCompany = await cli(['initial-access-token', 'create', '--company', 'co_nosuch', '--json']);
    assert.equal(noCompany.code, 1);
  });

  it('reads durations', () => {
    assert.equal(durationOpt('30d', 'x'), 30 * 86_400);
    assert.equal(durationOpt('12h', 'x'), 43_200);
    assert.equal(durationOpt('90m', 'x'), 5400);
    assert.equal(durationOpt('3600', 'x'), 3600);
    assert.equal(durationOpt(undefined, 'x'), undefined);
  });
});
