import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { InputFamily } from '../../src/http/input-guard.ts';
import { Browser, field } from '../browser.ts';
import { type DialectServer, dialectServer, errorLines } from '../dialect-server.ts';
import { NO_WEBHOOK_DELIVERY, signedIn } from '../management-api/fixtures.ts';
import { forDialects } from '../pg.ts';
import {
  authorization,
  contentType,
  formContentType,
  fuzzSeed,
  headerText,
  hostileString,
  jsonBody,
  mutatedForm,
  wireForm,
  wireValue,
} from './hostile.ts';

/**
 * Property-based fuzzing of every endpoint that takes input from strangers (issue 15,
 * build item 4): generated hostile requests, in-process, on SQLite and PostgreSQL. Each
 * answer must be below 500, in the documented error shape of its endpoint (docs/errors.md),
 * and free of stack traces; nothing may be logged at error level. Bounded: RUNS requests per
 * property (GATEHOUSE_FUZZ_RUNS to change it) from one seed per run, which fast-check prints
 * with the counterexample; GATEHOUSE_FUZZ_SEED=<seed> replays it.
 */
const RUNS = Number(process.env.GATEHOUSE_FUZZ_RUNS) || 60;
const SEED = fuzzSeed();

const PASSWORD = 'correct horse battery staple';
const REDIRECT = 'https://client.example/callback';
const VERIFIER = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

type Template = Record<string, string>;

interface Req {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  payload?: Buffer;
}

/** Query strings carry bytes as Node's parser hands them over: one latin1 char per byte. */
const latin1 = (b: Buffer) => b.toString('latin1');

const STACK = [/^\s+at .+:\d+:\d+\)?$/m, /node_modules/, /\.ts:\d+/, /\/work\//, /Error: /];

/** The documented shape of an answer from an endpoint of `family` (docs/errors.md). */
function assertAnswer(
  family: InputFamily,
  res: { statusCode: number; body: string; headers: Record<string, unknown> },
) {
  assert.ok(res.statusCode < 500, `status ${res.statusCode}: ${res.body.slice(0, 300)}`);
  for (const p of STACK) assert.doesNotMatch(res.body, p, 'no stack trace or source path in the body');
  const type = String(res.headers['content-type'] ?? '');
  if (res.statusCode < 400) {
    if (family !== 'page' && res.statusCode !== 204 && res.body !== '') JSON.parse(res.body);
    return;
  }
  if (family === 'page' && type.startsWith('text/html')) {
    // The error page, or a form shown again with what is wrong: either way, said in an alert.
    assert.match(
      res.body,
      /<h1>[^<]+<\/h1>\s*<(p|div) class="alert" role="alert">/,
      'an HTML page with the error',
    );
    return;
  }
  assert.match(type, /^application\/json/, `JSON error (${family}), got ${type}`);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  assert.equal(typeof body.error, 'string');
  assert.equal(typeof body.error_description, 'string');
  const allowed =
    family === 'oauth' ? ['error', 'error_description'] : ['error', 'error_description', 'fields'];
  for (const k of Object.keys(body)) assert.ok(allowed.includes(k), `unexpected key ${k} in ${res.body}`);
  if (family === 'management' && body.error === 'validation_failed') {
    assert.ok(body.fields !== null && typeof body.fields === 'object', 'validation_failed names its fields');
    for (const v of Object.values(body.fields as object)) assert.equal(typeof v, 'string');
  }
  // Refused input on a browser page is the HTML page, never the JSON error.
  if (family === 'page') assert.doesNotMatch(String(body.error_description), /control character|UTF-8/);
}

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`fuzz: hostile input never breaks an endpoint (${dialect}, seed ${SEED})`, {
    skip: skip || false,
  }, () => {
    let s: DialectServer;
    let client: { appId: string; clientId: string; clientSecret: string };
    let partner: { clientId: string; clientSecret: string };
    /** A signed-in browser at the consent page of a live flow. */
    let cookie: string;
    let csrf: string;
    let flow: string;
    let known: string[];

    before(async () => {
      s = await dialectServer(dialect, NO_WEBHOOK_DELIVERY);
      client = await s.createApp();
      partner = await s.createApp({
        name: 'Partner',
        type: 'partner',
        grantTypes: ['authorization_code', 'refresh_token'],
        scopes: ['users.read'],
        redirectUris: [REDIRECT],
      });
      // A signed-in admin (straight to storage: no scrypt) at the consent page of a live flow.
      const admin = await signedIn(s, s.companyId, 'admin');
      const b = new Browser(s.http);
      b.cookies.set('gatehouse_session', admin.cookie.split('=')[1] as string);
      const consent = await b.follow(
        'GET',
        `/oauth2/authorize?response_type=code&client_id=${partner.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=users.read&state=s&code_challenge=${VERIFIER}&code_challenge_method=S256`,
      );
      csrf = field(consent.res.body, 'csrf_token');
      flow = field(consent.res.body, 'flow');
      cookie = admin.cookie;
      known = [
        client.clientId,
        client.clientSecret,
        partner.clientId,
        'client_credentials',
        'authorization_code',
        'refresh_token',
        'code',
        'token',
        'users.read',
        'openid',
        REDIRECT,
        flow,
        csrf,
        s.companyId,
        client.appId,
        'grant',
        'deny',
        'ada@acme.test',
        'S256',
        VERIFIER,
      ];
    });
    after(async () => s?.close());

    async function fuzz(family: InputFamily, request: fc.Arbitrary<Req>, numRuns = RUNS) {
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const res = await s.http.inject({
            method: r.method,
            url: r.url,
            headers: r.headers,
            ...(r.payload ? { payload: r.payload } : {}),
          });
          console.log(
            res.statusCode,
            r.method,
            JSON.stringify(r.url),
            JSON.stringify(r.payload?.toString('latin1') ?? ''),
          );
          assertAnswer(family, res);
        }),
        { numRuns, seed: SEED },
      );
    }

    /** Mostly a legitimate request with hostile values in it; now and then anything at all. */
    const form = (names: string[], templates: () => Record<string, string>[] = () => [{}]) =>
      fc.oneof(
        { weight: 3, arbitrary: mutatedForm(templates(), names, known) },
        { weight: 1, arbitrary: wireForm(names, known) },
      );
    const withType = formContentType;
    const headersOf = (type: string | undefined, extra: Record<string, string> = {}) => ({
      ...(type === undefined ? {} : { 'content-type': type }),
      ...extra,
    });
    const TOKEN_NAMES = [
      'grant_type',
      'client_id',
      'client_secret',
      'scope',
      'code',
      'redirect_uri',
      'code_verifier',
      'refresh_token',
      'client_assertion',
      'client_assertion_type',
      'resource',
    ];

    it('POST /oauth2/token', async () => {
      await fuzz(
        'oauth',
        fc
          .tuple(
            form(TOKEN_NAMES, (): Template[] => [
              {
                grant_type: 'client_credentials',
                client_id: client.clientId,
                client_secret: client.clientSecret,
                scope: 'users.read',
              },
              { grant_type: 'client_credentials', scope: 'users.read' },
              {
                grant_type: 'authorization_code',
                code: 'not-a-code',
                redirect_uri: REDIRECT,
                client_id: partner.clientId,
                client_secret: partner.clientSecret,
                code_verifier: VERIFIER,
              },
              {
                grant_type: 'refresh_token',
                refresh_token: 'not-a-token',
                client_id: partner.clientId,
                client_secret: partner.clientSecret,
              },
            ]),
            withType,
            fc.option(authorization(client.clientId, client.clientSecret)),
          )
          .map(([payload, type, auth]) => ({
            method: 'POST',
            url: '/oauth2/token',
            headers: headersOf(type, auth ? { authorization: auth } : {}),
            payload,
          })),
        RUNS * 3,
      );
    });

    it('POST /oauth2/introspect and /oauth2/revoke', async () => {
      await fuzz(
        'oauth',
        fc
          .tuple(
            fc.constantFrom('/oauth2/introspect', '/oauth2/revoke'),
            form(
              ['token', 'token_type_hint', 'client_id', 'client_secret', 'company_guid'],
              (): Template[] => [
                { token: 'not-a-token', client_id: client.clientId, client_secret: client.clientSecret },
                {
                  token: 'not-a-token',
                  token_type_hint: 'refresh_token',
                  client_id: client.clientId,
                  client_secret: client.clientSecret,
                  company_guid: '6f1c1d2e-58b4-4a8f-9d6c-0a2b3c4d5e6f',
                },
              ],
            ),
            withType,
            fc.option(authorization(client.clientId, client.clientSecret), { freq: 1 }),
          )
          .map(([url, payload, type, auth]) => ({
            method: 'POST',
            url,
            headers: headersOf(type, auth ? { authorization: auth } : {}),
            payload,
          })),
        RUNS * 2,
      );
    });

    const AUTHORIZE_NAMES = [
      'response_type',
      'client_id',
      'redirect_uri',
      'scope',
      'state',
      'nonce',
      'prompt',
      'code_challenge',
      'code_challenge_method',
      'response_mode',
    ];

    it('GET and POST /oauth2/authorize', async () => {
      await fuzz(
        'page',
        fc
          .tuple(
            fc.boolean(),
            form(AUTHORIZE_NAMES, (): Template[] => [
              {
                response_type: 'code',
                client_id: partner.clientId,
                redirect_uri: REDIRECT,
                scope: 'users.read',
                state: 's',
                code_challenge: VERIFIER,
                code_challenge_method: 'S256',
              },
            ]),
            withType,
            fc.constantFrom('/oauth2/authorize', '/oauth/authorize'),
          )
          .map(
            ([get, params, type, path]): Req =>
              get
                ? { method: 'GET', url: `${path}?${latin1(params)}`, headers: {} }
                : { method: 'POST', url: path, headers: headersOf(type), payload: params },
          ),
        RUNS * 2,
      );
    });

    it('the login, company and consent pages, signed in or not', async () => {
      await fuzz(
        'page',
        fc
          .tuple(
            fc.constantFrom(
              '/login',
              '/authorize/company',
              '/authorize/consent',
              '/authorize/continue',
              '/authorize/granted',
              '/logout',
            ),
            fc.boolean(),
            form(
              ['flow', 'csrf_token', 'decision', 'company_id', 'company', 'return_to', 'error'],
              (): Template[] => [
                { flow },
                { flow, csrf_token: csrf, decision: 'deny' },
                { flow, csrf_token: csrf, company_id: s.companyId },
                { return_to: '/console' },
              ],
            ),
            withType,
            fc.boolean(),
          )
          .map(([path, get, params, type, signedIn]): Req => {
            const headers: Record<string, string> = signedIn ? { cookie } : {};
            return get
              ? { method: 'GET', url: `${path}?${latin1(params)}`, headers }
              : { method: 'POST', url: path, headers: { ...headers, ...headersOf(type) }, payload: params };
          }),
        RUNS * 2,
      );
    });

    it('POST /login with credentials (each one hashes a password: fewer runs)', async () => {
      await fuzz(
        'page',
        fc
          .tuple(wireValue(known), wireValue(['ada@acme.test']), wireValue([PASSWORD]), fc.boolean())
          .map(([flowId, email, password, withFlow]) => ({
            method: 'POST',
            url: '/login',
            headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
            payload: Buffer.concat([
              Buffer.from(`csrf_token=${encodeURIComponent(csrf)}&email=`),
              email,
              Buffer.from('&password='),
              password,
              ...(withFlow ? [Buffer.from('&flow='), flowId] : []),
            ]),
          })),
        // About a second each on a busy 2-core box (scrypt, N = 2^17).
        Math.max(3, Math.round(RUNS / 12)),
      );
    });

    it('the console pages', async () => {
      await fuzz(
        'page',
        fc
          .tuple(
            fc.constantFrom('apps', 'apps/new', 'webhooks', 'webhooks/new', 'connected-apps', 'audit'),
            wireValue(known),
            form(['company', 'page', 'csrf_token', 'url', 'event', 'description'], (): Template[] => [
              { csrf_token: csrf, url: 'https://hooks.example/x', event: '*', description: 'hooks' },
              { company: s.companyId },
            ]),
            fc.boolean(),
            withType,
          )
          .map(([page, company, params, get, type]): Req => {
            const url = `/console/c/${latin1(company)}/${page}`;
            return get
              ? { method: 'GET', url: `${url}?${latin1(params)}`, headers: { cookie } }
              : {
                  method: 'POST',
                  url: `/console/c/${s.companyId}/webhooks`,
                  headers: { cookie, ...headersOf(type) },
                  payload: params,
                };
          }),
      );
    });

    const adminAuth = () =>
      fc.oneof(
        { weight: 6, arbitrary: fc.constant(`Bearer ${s.adminKey}`) },
        { weight: 1, arbitrary: authorization(client.clientId, client.clientSecret) },
      );

    it('management API: lists and filters, ids in the path', async () => {
      await fuzz(
        'management',
        fc
          .tuple(
            fc.constantFrom(
              'apps',
              'audit-events',
              'grants',
              'webhooks',
              'webhook-deliveries',
              'admin-keys',
              'company',
            ),
            fc.option(wireValue(known), { freq: 3 }),
            form(
              ['limit', 'cursor', 'action', 'target', 'status', 'app_id', 'endpoint_id'],
              (): Template[] => [
                { action: 'app.created' },
                { target: `app:${client.appId}`, limit: '10' },
                { status: 'active' },
                { cursor: 'x', limit: '2' },
              ],
            ),
            adminAuth(),
            fc.option(headerText, { freq: 5 }),
          )
          .map(([list, id, query, auth, company]) => ({
            method: 'GET',
            url: `/api/v1/${list}${id ? `/${latin1(id)}` : ''}?${latin1(query)}`,
            headers: { authorization: auth, ...(company === null ? {} : { 'x-company-id': company }) },
          })),
        RUNS * 2,
      );
    });

    const appInput = fc.record(
      {
        name: hostileString,
        scopes: fc.array(fc.oneof(fc.constantFrom('users.read', 'users.write'), hostileString), {
          maxLength: 3,
        }),
        type: fc.oneof(fc.constantFrom('internal', 'partner'), hostileString),
        grant_types: fc.array(
          fc.oneof(fc.constantFrom('client_credentials', 'authorization_code'), hostileString),
          {
            maxLength: 2,
          },
        ),
        redirect_uris: fc.array(fc.oneof(fc.constant(REDIRECT), hostileString), { maxLength: 2 }),
        token_ttl: fc.oneof(fc.integer(), hostileString),
        url: fc.oneof(fc.constant('https://hooks.example/x'), hostileString),
        events: fc.array(fc.oneof(fc.constant('*'), hostileString), { maxLength: 2 }),
        description: hostileString,
        grace_seconds: fc.oneof(fc.integer(), hostileString),
      },
      { requiredKeys: [] },
    );

    it('management API: JSON bodies of every shape', async () => {
      await fuzz(
        'management',
        fc
          .tuple(
            fc.constantFrom(
              'POST /apps',
              'POST /webhooks',
              'POST /admin-keys',
              'POST /apps/:id/rotate-secret',
              'DELETE /apps/:id',
            ),
            jsonBody(appInput),
            fc.oneof(
              { weight: 5, arbitrary: fc.constant('application/json') },
              { weight: 1, arbitrary: contentType },
            ),
            adminAuth(),
            fc.option(wireValue([client.appId])),
          )
          .map(([route, payload, type, auth, id]): Req => {
            const [method, path] = route.split(' ') as ['POST' | 'DELETE', string];
            const url = `/api/v1${path.replace(':id', id ? latin1(id) : client.appId)}`;
            return { method, url, headers: { authorization: auth, 'content-type': type }, payload };
          }),
        RUNS * 2,
      );
    });

    it('grant resolution and paths nobody routes', async () => {
      await fuzz(
        'oauth',
        fc
          .tuple(
            fc.constantFrom('/oauth2/grants/', '/oauth2/', '/nowhere/', '/.well-known/'),
            wireValue(known),
            headerText,
          )
          .map(([prefix, tail, bearer]) => ({
            method: 'GET',
            url: `${prefix}${latin1(tail)}`,
            headers: { authorization: `Bearer ${bearer}` },
          })),
      );
    });

    it('nothing was logged at error level', () => {
      assert.deepEqual(errorLines(s), []);
    });
  });
});
