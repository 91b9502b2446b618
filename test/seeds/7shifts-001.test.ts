// The 7shifts OAuth guide (shared/seeds/001_dd632e9718c45a0b.txt), replayed with only the host
// changed: an admin of two companies opens the partner's authorization URL (with state),
// signs in, picks the second company, sees the partner's consent page and grants access;
// with no redirect URL configured the GUID is shown to copy. The partner then creates a token
// (client_credentials, form-body credentials, scope=v1_access ...; 1-hour Bearer) and calls
// /v2/whoami and /v2/companies with x-company-guid.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { startReceiver } from '../../packages/server/test/webhooks/receiver.ts';
import { sh } from '../helpers/shell.ts';
import { field, guide, HttpBrowser, maybeSkip, type Stack, signInAndGrant } from './harness.ts';

async function companyGrant(s: Stack): Promise<string> {
  const app = s.app('7shifts');
  const b = new HttpBrowser(s.gatehouse);
  const second = s.creds.secondCompanyId ?? '';
  const { page, location } = await signInAndGrant(
    b,
    `/oauth2/authorize?client_id=${app.clientId}&state=PARTNER-STATE`,
    s.admin,
    {
      company: second,
    },
  );
  assert.equal(location, undefined, 'no redirect URL is configured, so no redirect');
  const guid = /id="guid" type="text" readonly value="([0-9a-f-]{36})"/.exec(page)?.[1];
  assert.ok(guid, `the GUID page shows the grant GUID:\n${page.slice(0, 500)}`);
  assert.match(page, /data-copy="guid"/, 'with a copy button');
  return guid;
}

async function token(s: Stack, app = s.app('7shifts'), scope = 'v1_access companies_read') {
  return JSON.parse(
    await sh(`curl --silent --request POST --url '${s.gatehouse}/oauth2/token' \\
--header 'Content-Type: application/x-www-form-urlencoded' \\
--data-urlencode 'grant_type=client_credentials' \\
--data-urlencode 'client_id=${app.clientId}' \\
--data-urlencode 'client_secret=${app.clientSecret}' \\
--data-urlencode 'scope=${scope}'`),
  ) as { access_token: string; token_type: string; expires_in: number; scope: string; error?: string };
}

guide('7shifts guide', (stack) => {
  it('company grant for the second company, token, whoami and companies with x-company-guid', async (t) => {
    const s = maybeSkip(t, stack);
    if (!s) return;
    const guid = await companyGrant(s);
    const tok = await token(s);
    assert.equal(tok.token_type, 'Bearer');
    assert.equal(tok.expires_in, 3600, 'bearer tokens expire after 1 hour');
    assert.equal(tok.scope, 'companies_read v1_access');

    const whoami = JSON.parse(
      await sh(`curl --silent --fail --request GET --url '${s.demoApi}/v2/whoami' \\
--header 'x-company-guid: ${guid}' \\
--header 'Authorization: Bearer ${tok.access_token}'`),
    );
    const body = whoami.data ?? whoami;
    assert.ok(body.identity_id, 'whoami returns an identity_id');
    assert.equal(String(body.company?.id ?? body.company_id), s.creds.secondCompanyId);

    const companies = JSON.parse(
      await sh(`curl --silent --fail --request GET --url '${s.demoApi}/v2/companies' \\
--header 'x-company-guid: ${guid}' \\
--header 'Authorization: Bearer ${tok.access_token}'`),
    );
    assert.ok(JSON.stringify(companies).includes(s.creds.secondCompanyId ?? 'missing'));
  });

  it('the token alone is not enough, and a GUID is refused for another app', async (t) => {
    const s = maybeSkip(t, stack);
    if (!s) return;
    const guid = await companyGrant(s);
    const tok = await token(s);
    const bare = await fetch(`${s.demoApi}/v2/whoami`, {
      headers: { authorization: `Bearer ${tok.access_token}` },
    });
    assert.equal(bare.status, 403);
    // Another app's token naming this app's GUID.
    const other = s.app('connecteam');
    const otherTok = JSON.parse(
      await sh(`curl --silent --request POST --url ${s.gatehouse}/oauth2/token --user ${other.clientId}:${other.clientSecret} \\
--data 'grant_type=client_credentials&scope=users.read'`),
    );
    const foreign = await fetch(`${s.demoApi}/v2/whoami`, {
      headers: { authorization: `Bearer ${otherTok.access_token}`, 'x-company-guid': guid },
    });
    assert.ok(foreign.status === 403 || foreign.status === 401, `got ${foreign.status}`);
    // A GUID that was never granted.
    const unknown = await fetch(`${s.demoApi}/v2/whoami`, {
      headers: {
        authorization: `Bearer ${tok.access_token}`,
        'x-company-guid': '00000000-0000-4000-8000-000000000000',
      },
    });
    assert.ok(unknown.status === 403 || unknown.status === 401, `got ${unknown.status}`);
  });

  it('an admin revokes under Connected Apps; the API refuses the GUID within 1 s and the partner gets authorization.revoked', async (t) => {
    const s = maybeSkip(t, stack);
    if (!s) return;
    const partnerCo = s.creds.partnerCompanyId ?? '';
    const second = s.creds.secondCompanyId ?? '';
    const partnerAdmin = s.creds.partnerAdmin;
    assert.ok(partnerAdmin?.password, 'npm start seeds the partner admin');

    // The partner subscribes to authorization.revoked in its own console.
    let secret = '';
    const verified: Array<{ type: string; data: { guid: string; company_id: string } }> = [];
    const rx = await startReceiver((_n, r) => {
      verified.push(new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as never);
      return 204;
    });
    try {
      const partner = new HttpBrowser(s.gatehouse);
      await signInAndGrant(partner, `/console/c/${partnerCo}/webhooks/new`, {
        email: partnerAdmin.email,
        password: partnerAdmin.password,
      });
      const form = await partner.follow('GET', `/console/c/${partnerCo}/webhooks/new`);
      const created = await partner.follow('POST', `/console/c/${partnerCo}/webhooks`, {
        csrf_token: field(form.body, 'csrf_token'),
        url: rx.url,
        event: 'authorization.revoked',
        description: '7shifts-style partner',
      });
      secret = /id="webhook-secret" type="text" readonly value="(whsec_[^"]+)"/.exec(created.body)?.[1] ?? '';
      assert.ok(secret, 'the signing secret is shown once');

      // A company admin grants, the partner calls the API with the GUID.
      const guid = await companyGrant(s);
      const tok = await token(s);
      const whoami = () =>
        fetch(`${s.demoApi}/v2/whoami`, {
          headers: { authorization: `Bearer ${tok.access_token}`, 'x-company-guid': guid },
        });
      assert.equal((await whoami()).status, 200);

      // "Company Settings" -> "Developer Tools" -> "Connected Apps" -> revoke.
      const admin = new HttpBrowser(s.gatehouse);
      await signInAndGrant(admin, `/console/c/${second}/connected-apps`, s.admin);
      const list = await admin.follow('GET', `/console/c/${second}/connected-apps`);
      const revokePath = [...list.body.matchAll(/href="([^"]+\/revoke)"/g)].map((m) => m[1] as string);
      assert.ok(revokePath.length > 0, 'a Revoke action per connected app');
      let revokedAt = 0;
      for (const path of revokePath) {
        const confirm = await admin.follow('GET', path);
        if (!confirm.body.includes(guid) && !confirm.body.includes('Shiftly')) continue;
        await admin.follow('POST', path, { csrf_token: field(confirm.body, 'csrf_token') });
        revokedAt = Date.now();
      }
      assert.ok(revokedAt > 0, 'the Shiftly grant was revoked');

      let status = 200;
      while (status === 200 && Date.now() - revokedAt < 1000) {
        status = (await whoami()).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(status === 403 || status === 401, `refused within a second (got ${status})`);

      await rx.waitFor(1, 10_000);
      const event = verified.find((e) => e.type === 'authorization.revoked' && e.data.guid === guid);
      assert.ok(event, 'the partner received authorization.revoked for the GUID, signed');
      assert.equal(event.data.company_id, second);
    } finally {
      await rx.close();
    }
  });

  it('only the scopes the partner holds can be requested', async (t) => {
    const s = maybeSkip(t, stack);
    if (!s) return;
    const tok = await token(s, s.app('7shifts'), 'v1_access users.delete');
    assert.equal(tok.error, 'invalid_scope');
  });
});
