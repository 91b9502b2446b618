import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { AppInput } from '../../src/apps/validation.ts';
import { basic, FORM, type TestServer } from '../helpers.ts';

export interface Creds {
  appId: string;
  clientId: string;
  clientSecret: string;
}

export const REDIRECT = 'https://partner.example/callback';

export function post(t: TestServer, url: string, creds: Creds | undefined, form: Record<string, string>) {
  return t.http.inject({
    method: 'POST',
    url,
    headers: { ...FORM, ...(creds ? { authorization: basic(creds.clientId, creds.clientSecret) } : {}) },
    payload: new URLSearchParams(form).toString(),
  });
}

export async function revoke(t: TestServer, creds: Creds, token: string, hint?: string) {
  const res = await post(t, '/oauth2/revoke', creds, { token, ...(hint ? { token_type_hint: hint } : {}) });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.body, '');
  assert.equal(res.headers['cache-control'], 'no-store');
}

export async function introspect(t: TestServer, creds: Creds, token: string, hint?: string) {
  const res = await post(t, '/oauth2/introspect', creds, {
    token,
    ...(hint ? { token_type_hint: hint } : {}),
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['cache-control'], 'no-store');
  return res.json() as Record<string, unknown> & { active: boolean };
}

export async function clientCredentialsToken(t: TestServer, creds: Creds): Promise<string> {
  const res = await post(t, '/oauth2/token', creds, { grant_type: 'client_credentials' });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().access_token as string;
}

/** A partner app with the code and refresh grants, granted by a customer company's admin. */
export async function partnerApp(t: TestServer, input: Partial<AppInput> = {}): Promise<Creds> {
  return t.createApp({
    type: 'partner',
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: [REDIRECT],
    ...input,
  });
}

/** The entity of the parameterized scope the company-grant partners hold. */
export const ENTITY = '8ed17dce-9eca-4383-a9e1-54f82c362b6d';

/** What a company-grant partner holds, in the normalised (code-unit) order Gatehouse answers scopes in. */
export const PARTNER_SCOPES = [
  `target-entity:${ENTITY}:employees-read,performance-evaluations-read`,
  'users.delete',
  'users.read',
  'users.write',
  'v1_access',
];

/**
 * A partner app with PARTNER_SCOPES that takes client_credentials tokens for the companies
 * that grant it access (grant delivery `company_grant`).
 */
export async function companyGrantPartner(t: TestServer, input: Partial<AppInput> = {}): Promise<Creds> {
  return t.createApp({
    type: 'partner',
    grantTypes: ['client_credentials'],
    grantDelivery: 'company_grant',
    scopes: PARTNER_SCOPES,
    redirectUris: ['https://partner.example/cb'],
    ...input,
  });
}

/** What a company admin's consent records: `companyId` grants `scopes` to `app`. */
export async function recordGrant(
  t: TestServer,
  grant: { id: string; guid: string; app: Creds; companyId: string; scopes: string[] },
): Promise<void> {
  const { app, ...rest } = grant;
  await t.gh.storage.upsertGrant({ ...rest, appId: app.appId, grantedBy: null });
}

let users = 0;

/**
 * Runs the authorization-code flow's domain side (consent already given): a code for a new
 * admin of the company, not yet exchanged. The pages are tested elsewhere.
 */
export async function approvedCode(
  t: TestServer,
  creds: Creds,
  opts: { companyId?: string; publicClient?: boolean } = {},
) {
  const companyId = opts.companyId ?? t.companyId;
  // Public clients prove possession with PKCE instead of a secret.
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const user = await t.gh.companies.createUser(
    {
      email: `admin${++users}@lifecycle.test`,
      password: 'correct horse battery staple',
      companyId,
      role: 'admin',
    },
    'test',
  );
  const app = await t.gh.apps.findByClientId(creds.clientId);
  assert.ok(app);
  const outcome = await t.gh.authorization.complete(
    app,
    {
      clientId: creds.clientId,
      responseType: 'code',
      redirectUri: REDIRECT,
      redirectUriGiven: true,
      scopes: ['users.read'],
      state: null,
      nonce: null,
      codeChallenge: opts.publicClient ? challenge : null,
      prompt: null,
    },
    user.id,
    companyId,
    new Date(),
  );
  assert.equal(outcome.kind, 'code');
  return { code: outcome.kind === 'code' ? outcome.code : '', verifier, userId: user.id };
}

/** Exchanges `code` at the real token endpoint, as the client would. */
export function exchangeCode(
  t: TestServer,
  creds: Creds,
  approved: { code: string; verifier: string },
  opts: { publicClient?: boolean } = {},
) {
  const form = { grant_type: 'authorization_code', code: approved.code, redirect_uri: REDIRECT };
  return opts.publicClient
    ? post(t, '/oauth2/token', undefined, {
        ...form,
        client_id: creds.clientId,
        code_verifier: approved.verifier,
      })
    : post(t, '/oauth2/token', creds, form);
}

/** approvedCode, then the exchange, which must succeed: the tokens and the user's id. */
export async function delegatedTokens(
  t: TestServer,
  creds: Creds,
  opts: { companyId?: string; publicClient?: boolean } = {},
) {
  const approved = await approvedCode(t, creds, opts);
  const res = await exchangeCode(t, creds, approved, opts);
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as { access_token: string; refresh_token: string };
  return { ...body, userId: approved.userId };
}

export async function refresh(t: TestServer, creds: Creds, refreshToken: string) {
  return post(t, '/oauth2/token', creds, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

/** The revocation feed's entries (hashes) after `after`. */
export async function feedHashes(t: TestServer, after = 0): Promise<Set<string>> {
  const res = await t.http.inject({ method: 'GET', url: `/oauth2/revocations?after=${after}` });
  assert.equal(res.statusCode, 200);
  return new Set((res.json().revocations as Array<{ hash: string }>).map((r) => r.hash));
}
