import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { registerErrorHandling } from '../src/http/errors.ts';
import { inputFamily } from '../src/http/input-guard.ts';
import { type DialectServer, dialectServer, errorLines } from './dialect-server.ts';
import { basic, FORM } from './helpers.ts';
import { signedIn } from './management-api/fixtures.ts';
import { forDialects } from './pg.ts';

/**
 * Break 4 of issue 15: a NUL byte (or any control character, or invalid UTF-8) in a
 * parameter reached PostgreSQL, which refuses it (SQLSTATE 22021), and every such request
 * was a 500 logged with a stack trace. Each path named in the issue, on both dialects.
 */

type Res = { statusCode: number; body: string; headers: Record<string, unknown> };

function oauthJson(res: Res, pattern?: RegExp) {
  assert.equal(res.statusCode, 400, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = JSON.parse(res.body);
  assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description']);
  assert.equal(body.error, 'invalid_request');
  if (pattern) assert.match(body.error_description, pattern);
}

function htmlPage(res: Res) {
  assert.equal(res.statusCode, 400, res.body);
  assert.match(String(res.headers['content-type']), /^text\/html/);
  assert.match(res.body, /Error code: <code>invalid_request<\/code>/);
  assert.doesNotMatch(res.body, /\bat \S+ \(/, 'no stack trace');
}

function validationFailed(res: Res, field: string) {
  assert.equal(res.statusCode, 400, res.body);
  const body = JSON.parse(res.body);
  assert.equal(body.error, 'validation_failed');
  assert.equal(typeof body.error_description, 'string');
  assert.ok(body.fields && typeof body.fields[field] === 'string', `fields names ${field}: ${res.body}`);
}

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`control characters and invalid UTF-8 are refused at the edge (${dialect})`, {
    skip: skip || false,
  }, () => {
    let s: DialectServer;
    let client: { clientId: string; clientSecret: string };
    before(async () => {
      s = await dialectServer(dialect);
      client = await s.createApp();
    });
    after(async () => s?.close());
    const noErrorLogs = () => assert.deepEqual(errorLines(s), [], 'nothing logged at error level');

    const token = (payload: string | Buffer, headers: Record<string, string> = {}) =>
      s.http.inject({ method: 'POST', url: '/oauth2/token', headers: { ...FORM, ...headers }, payload });

    it('token endpoint: NUL in client_id, percent-encoded or raw', async () => {
      oauthJson(await token('grant_type=client_credentials&client_id=ab%00c&client_secret=x'), /client_id/);
      oauthJson(
        await token('grant_type=client_credentials&client_id=ab\u0000c&client_secret=x'),
        /client_id/,
      );
      noErrorLogs();
    });

    it('token endpoint: other controls, C1 controls, DEL and broken UTF-8 in parameters', async () => {
      for (const bad of [
        '%0A',
        '%09',
        '%7F',
        '%C2%85',
        '%FF',
        '%C3',
        '%C3x',
        '%E0%80%80',
        '%ED%A0%80',
        '%F4%90%80%80',
      ])
        oauthJson(await token(`grant_type=client_credentials&scope=users.read${bad}`), /"scope"/);
      noErrorLogs();
    });

    it('token endpoint: a body whose bytes are not UTF-8', async () => {
      oauthJson(
        await token(Buffer.from([...Buffer.from('grant_type=client_credentials&client_id='), 0xff, 0xfe])),
        /not valid UTF-8/,
      );
      noErrorLogs();
    });

    it('token endpoint: valid UTF-8 and ordinary percent-encoding still pass the edge', async () => {
      const ok = await token('grant_type=client_credentials&scope=users.read', {
        authorization: basic(client.clientId, client.clientSecret),
      });
      assert.equal(ok.statusCode, 200, ok.body);
      // Unicode and a literal % reach the protocol code, which judges them on their merits.
      const res = await token('grant_type=client_credentials&scope=caf%C3%A9%20100%&client_id=%F0%9F%98%80');
      assert.notEqual(JSON.parse(res.body).error_description, undefined);
      assert.doesNotMatch(res.body, /control character|UTF-8/);
    });

    it('token endpoint: NUL in a Basic header, and Basic bytes that are not UTF-8', async () => {
      oauthJson(
        await token('grant_type=client_credentials', { authorization: basic('ab\u0000c', 's') }),
        /Basic/,
      );
      const notUtf8 = Buffer.concat([Buffer.from([0x61, 0xff]), Buffer.from(':secret')]).toString('base64');
      oauthJson(await token('grant_type=client_credentials', { authorization: `Basic ${notUtf8}` }), /UTF-8/);
      noErrorLogs();
    });

    it('revocation and introspection answer the same way', async () => {
      const auth = { authorization: basic(client.clientId, client.clientSecret) };
      for (const url of ['/oauth2/revoke', '/oauth2/introspect'])
        oauthJson(
          await s.http.inject({ method: 'POST', url, headers: { ...FORM, ...auth }, payload: 'token=a%00b' }),
          /"token"/,
        );
      noErrorLogs();
    });

    it('/oauth2/authorize: an error page, never a redirect that cannot be trusted', async () => {
      const res = await s.http.inject({
        method: 'GET',
        url: `/oauth2/authorize?response_type=code&client_id=${client.clientId}%00&redirect_uri=https%3A%2F%2Fevil.example%2F`,
      });
      htmlPage(res);
      assert.equal(res.headers.location, undefined);
      noErrorLogs();
    });

    it('login and consent pages: NUL in flow, in the query and in a posted form', async () => {
      htmlPage(await s.http.inject({ method: 'GET', url: '/login?flow=f%00' }));
      htmlPage(await s.http.inject({ method: 'GET', url: '/authorize/consent?flow=f%00' }));
      // A real session and CSRF token, so that only the flow could stop the POST.
      const page = await s.http.inject({ method: 'GET', url: '/login' });
      const cookie = String(page.headers['set-cookie']).split(';')[0] as string;
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.body)?.[1] as string;
      assert.ok(csrf);
      for (const url of ['/login', '/authorize/consent', '/authorize/company'])
        htmlPage(
          await s.http.inject({
            method: 'POST',
            url,
            headers: { ...FORM, cookie },
            payload: `csrf_token=${encodeURIComponent(csrf)}&flow=f%00&decision=grant&email=a%40b.c&password=x`,
          }),
        );
      noErrorLogs();
    });

    it('management API: NUL in a filter, a path id, a JSON name, and bytes that are not UTF-8', async () => {
      const auth = { authorization: `Bearer ${s.adminKey}` };
      const get = (url: string) => s.http.inject({ method: 'GET', url, headers: auth });
      validationFailed(await get('/api/v1/audit-events?action=app.created%00'), 'action');
      validationFailed(await get('/api/v1/apps/app_%00'), 'path');
      const post = (payload: string | Buffer) =>
        s.http.inject({
          method: 'POST',
          url: '/api/v1/apps',
          headers: { ...auth, 'content-type': 'application/json' },
          payload,
        });
      validationFailed(await post('{"name":"evil\\u0000app","scopes":["users.read"]}'), 'name');
      validationFailed(
        await post('{"name":"ok","scopes":["users.read"],"redirect_uris":["https://a.example/\\u0085"]}'),
        'redirect_uris.0',
      );
      validationFailed(await post(Buffer.from([0x7b, 0x22, 0x6e, 0xff, 0x22, 0x3a, 0x31, 0x7d])), 'body');
      validationFailed(
        await s.http.inject({
          method: 'GET',
          url: '/api/v1/apps',
          headers: { ...auth, 'x-company-id': 'c\u0000' },
        }),
        'x-company-id',
      );
      const fine = await post('{"name":"Café ☕ app","scopes":["users.read"]}');
      assert.equal(fine.statusCode, 201, fine.body);
      noErrorLogs();
    });

    it('console create-app form (multipart): one-line fields refuse controls, redirect_uris may span lines', async () => {
      const admin = await signedIn(s, s.companyId, 'admin');
      const post = (fields: Record<string, string>) => {
        const boundary = 'p4boundary';
        const payload = `${Object.entries({
          csrf_token: admin.csrf,
          type: 'partner',
          delivery: 'code',
          token_ttl: '3600',
          scope: 'users.read',
          ...fields,
        })
          .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
          .join('')}--${boundary}--\r\n`;
        return s.http.inject({
          method: 'POST',
          url: `/console/c/${s.companyId}/apps`,
          headers: { cookie: admin.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
          payload,
        });
      };
      const two = 'https://a.example/cb\r\nhttps://b.example/cb';
      htmlPage(await post({ name: 'evil\u0000app', redirect_uris: 'https://a.example/cb' }));
      htmlPage(await post({ name: 'Fine', redirect_uris: 'https://a.example/cb\u0000' }));
      htmlPage(await post({ name: 'Fine \u0085', redirect_uris: two }));
      const ok = await post({ name: 'Two lines', redirect_uris: two });
      assert.equal(ok.statusCode, 303, ok.body);
      noErrorLogs();
    });

    it('grant resolution and unknown paths: the JSON error', async () => {
      oauthJson(await s.http.inject({ method: 'GET', url: '/oauth2/grants/%00' }));
      oauthJson(await s.http.inject({ method: 'GET', url: '/nowhere/%C0%AF' }), /path/);
      oauthJson(await s.http.inject({ method: 'GET', url: `/oauth2/grants/${'g'.repeat(300)}` }), /path/);
      validationFailed(await s.http.inject({ method: 'GET', url: '/api/v1/apps/%FF' }), 'path');
      htmlPage(await s.http.inject({ method: 'GET', url: '/console/c/%E0%80%80/apps' }));
      noErrorLogs();
    });
  });
});

await forDialects(['postgres'], (_dialect, skip) => {
  describe('a NUL that still reaches PostgreSQL is a 400, not a 500 (defense in depth)', {
    skip: skip || false,
  }, () => {
    let s: DialectServer;
    before(async () => {
      s = await dialectServer('postgres');
    });
    after(async () => s?.close());

    it("maps SQLSTATE 22021 to the route family's 400 and logs no stack at error level", async () => {
      // A bare app with the one error writer and routes that skip the edge guard on purpose.
      const logs: { level: number; err?: unknown }[] = [];
      const app = Fastify({
        logger: { level: 'debug', stream: { write: (l: string) => logs.push(JSON.parse(l)) } },
      });
      registerErrorHandling(app);
      app.get('/oauth', async () => s.gh.storage.getCompany('c\u0000'));
      await app.register(async (pages) => {
        inputFamily(pages, 'page');
        pages.get('/page', async () => s.gh.storage.getCompany('c\u0000'));
      });
      await app.register(async (api) => {
        inputFamily(api, 'management');
        api.get('/api', async () => s.gh.storage.getCompany('c\u0000'));
      });
      try {
        oauthJson(await app.inject({ method: 'GET', url: '/oauth' }));
        htmlPage(await app.inject({ method: 'GET', url: '/page' }));
        validationFailed(await app.inject({ method: 'GET', url: '/api' }), 'input');
        assert.deepEqual(
          logs.filter((l) => l.level >= 50),
          [],
        );
        assert.ok(logs.some((l) => l.level === 40 && l.err === undefined));
      } finally {
        await app.close();
      }
    });
  });
});
