import { Browser, decide, field, signIn } from '../../packages/server/test/browser.ts';
import { FORM } from '../../packages/server/test/helpers.ts';
import type { LiveGatehouse } from './live-gatehouse.ts';

export const PASSWORD = 'correct horse battery staple';

/** An admin of the test company and of a second one ("Bistro Two"); returns the second's id. */
export async function adminOfTwoCompanies(gh: LiveGatehouse, email: string): Promise<string> {
  const g = gh.ts.gh;
  const second = (await g.companies.createCompany({ name: 'Bistro Two' }, 'test')).id;
  const user = await g.companies.createUser(
    { email, password: PASSWORD, companyId: gh.ts.companyId, role: 'admin' },
    'test',
  );
  await g.companies.addMembership(user.id, second, 'admin', 'test');
  return second;
}

/**
 * The 7shifts company-grant flow in a browser: sign in, choose `companyId`, grant; the GUID
 * arrives in the redirect URI's fragment (the app must have one registered).
 */
export async function companyGrant(
  gh: LiveGatehouse,
  opts: { clientId: string; email: string; companyId: string; scope?: string },
): Promise<{ guid: string; companyId: string }> {
  const b = new Browser(gh.ts.http);
  // With `scope`, the company approves only those of the app's scopes.
  const scope = opts.scope !== undefined ? `&scope=${encodeURIComponent(opts.scope)}` : '';
  const login = await b.follow('GET', `/oauth2/authorize?client_id=${opts.clientId}&state=s1${scope}`);
  const chooser = await signIn(b, login.res.body, opts.email, PASSWORD);
  const consent = await b.follow('POST', '/authorize/company', {
    csrf_token: field(chooser.res.body, 'csrf_token'),
    flow: field(chooser.res.body, 'flow'),
    company_id: opts.companyId,
  });
  const done = await decide(b, consent.res.body, 'grant');
  if (!done.location) throw new Error(`no redirect after the grant: ${done.res.statusCode}`);
  const fragment = new URLSearchParams(new URL(done.location).hash.slice(1));
  return { guid: fragment.get('guid') as string, companyId: fragment.get('company_id') as string };
}

/** The authorization-code flow for a user of the test company; returns the token response. */
export async function authorizationCodeTokens(
  gh: LiveGatehouse,
  opts: { clientId: string; clientSecret: string; email: string; redirectUri: string; scope: string },
): Promise<{ access_token: string; refresh_token?: string }> {
  const b = new Browser(gh.ts.http);
  const login = await b.follow(
    'GET',
    `/oauth2/authorize?response_type=code&client_id=${opts.clientId}&redirect_uri=${encodeURIComponent(opts.redirectUri)}&scope=${encodeURIComponent(opts.scope)}&state=s2`,
  );
  const consent = await signIn(b, login.res.body, opts.email, PASSWORD);
  const done = await decide(b, consent.res.body, 'grant');
  const code = new URL(done.location as string).searchParams.get('code');
  if (!code) throw new Error('no code in the redirect');
  const res = await fetch(`${gh.url}/oauth2/token`, {
    method: 'POST',
    headers: FORM,
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: opts.redirectUri,
      client_id: opts.clientId,
      client_secret: opts.clientSecret,
    }),
  });
  if (res.status !== 200) throw new Error(`code exchange failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { access_token: string; refresh_token?: string };
}

/**
 * Calls `call` every 20 ms until it answers `status`; returns the ms since `start`, or throws
 * once `limitMs` have passed without it.
 */
export async function msUntilStatus(
  call: () => Promise<number>,
  status: number,
  limitMs: number,
  start = performance.now(),
): Promise<number> {
  for (;;) {
    const got = await call();
    const elapsed = performance.now() - start;
    if (got === status) return elapsed;
    if (elapsed > limitMs) throw new Error(`still ${got} after ${Math.round(elapsed)} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
