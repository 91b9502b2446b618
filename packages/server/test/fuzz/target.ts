import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { InputFamily } from '../../src/http/input-guard.ts';
import { Browser, field } from '../browser.ts';
import { type DialectServer, dialectServer } from '../dialect-server.ts';
import { NO_WEBHOOK_DELIVERY, signedIn } from '../management-api/fixtures.ts';
import type { Dialect } from '../pg.ts';
import { mutatedForm, wireForm } from './hostile.ts';

export const REDIRECT = 'https://client.example/callback';
export const VERIFIER = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

/** One generated request, as app.inject takes it. */
export interface Req {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  payload?: Buffer;
}

/** What the generators aim at: a server with an app of each kind and a flow waiting for consent. */
export interface FuzzTarget {
  s: DialectServer;
  client: { appId: string; clientId: string; clientSecret: string };
  partner: { clientId: string; clientSecret: string };
  /** A signed-in admin's session cookie and CSRF token, and the flow at their consent page. */
  cookie: string;
  csrf: string;
  flow: string;
  /** A session not signed in, and its CSRF token: what the sign-in form posts with. */
  anonymous: { cookie: string; csrf: string };
  /** Values that mean something to the server, for generators to use and to poison. */
  known: string[];
}

/** One property: the requests it generates, the family whose error shape answers them, its runs. */
export interface FuzzProperty {
  name: string;
  family: InputFamily;
  /** A multiple of the suite's runs per property (a fraction for expensive requests). */
  runs: number;
  requests(t: FuzzTarget): fc.Arbitrary<Req>;
}

export async function openTarget(dialect: Dialect): Promise<FuzzTarget> {
  const s = await dialectServer(dialect, NO_WEBHOOK_DELIVERY);
  const client = await s.createApp();
  const partner = await s.createApp({
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
  const csrf = field(consent.res.body, 'csrf_token');
  const flow = field(consent.res.body, 'flow');
  const known = [
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
  const login = await s.http.inject({ method: 'GET', url: '/login' });
  const anonymous = {
    cookie: String(login.headers['set-cookie']).split(';')[0] as string,
    csrf: field(login.body, 'csrf_token'),
  };
  return { s, client, partner, cookie: admin.cookie, csrf, flow, anonymous, known };
}

/** Query strings carry bytes as Node's parser hands them over: one latin1 char per byte. */
export const latin1 = (b: Buffer) => b.toString('latin1');

/**
 * A form or query for `names`: mostly one of the legitimate `templates` with hostile values
 * put in (so that the hostile value gets past the early checks), now and then anything at all.
 */
export function form(t: FuzzTarget, names: readonly string[], templates: Record<string, string>[] = [{}]) {
  return fc.oneof(
    { weight: 3, arbitrary: mutatedForm(templates, names, t.known) },
    { weight: 1, arbitrary: wireForm(names, t.known) },
  );
}

export const headersOf = (type: string | undefined, extra: Record<string, string> = {}) => ({
  ...(type === undefined ? {} : { 'content-type': type }),
  ...extra,
});

const STACK = [/^\s+at .+:\d+:\d+\)?$/m, /node_modules/, /\.ts:\d+/, /\/work\//, /Error: /];

/**
 * The documented shape of an answer from an endpoint of `family` (docs/errors.md): below
 * 500, no stack trace or source path, and for an error the OAuth JSON shape, the HTML page
 * with its alert, or the management API's shape with `fields` for `validation_failed`.
 */
export function assertAnswer(
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
