import fc from 'fast-check';
import { formContentType, wireValue } from './hostile.ts';
import { type FuzzProperty, form, headersOf, latin1, REDIRECT, type Req, VERIFIER } from './target.ts';

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

/** The browser pages: authorize, sign-in, company chooser, consent and the console. */
export const pageProperties: FuzzProperty[] = [
  {
    name: 'GET and POST /oauth2/authorize',
    family: 'page',
    runs: 2,
    requests: (t) =>
      fc
        .tuple(
          fc.boolean(),
          form(t, AUTHORIZE_NAMES, [
            {
              response_type: 'code',
              client_id: t.partner.clientId,
              redirect_uri: REDIRECT,
              scope: 'users.read',
              state: 's',
              code_challenge: VERIFIER,
              code_challenge_method: 'S256',
            },
          ]),
          formContentType,
          fc.constantFrom('/oauth2/authorize', '/oauth/authorize'),
        )
        .map(
          ([get, params, type, path]): Req =>
            get
              ? { method: 'GET', url: `${path}?${latin1(params)}`, headers: {} }
              : { method: 'POST', url: path, headers: headersOf(type), payload: params },
        ),
  },
  {
    name: 'the login, company and consent pages, signed in or not',
    family: 'page',
    runs: 2,
    requests: (t) =>
      fc
        .tuple(
          fc.constantFrom(
            '/login',
            '/authorize/company',
            '/authorize/consent',
            '/authorize/continue',
            '/authorize/granted',
            '/logout',
            '/login/upstream/corp',
            '/login/upstream/corp/callback',
          ),
          fc.boolean(),
          form(
            t,
            [
              'flow',
              'csrf_token',
              'decision',
              'company_id',
              'company',
              'return_to',
              'error',
              'state',
              'code',
            ],
            [
              { flow: t.flow },
              { flow: t.flow, csrf_token: t.csrf, decision: 'deny' },
              { flow: t.flow, csrf_token: t.csrf, company_id: t.s.companyId },
              { return_to: '/console' },
            ],
          ),
          formContentType,
          fc.boolean(),
        )
        .map(([path, get, params, type, signedIn]): Req => {
          const headers: Record<string, string> = signedIn ? { cookie: t.cookie } : {};
          return get
            ? { method: 'GET', url: `${path}?${latin1(params)}`, headers }
            : { method: 'POST', url: path, headers: { ...headers, ...headersOf(type) }, payload: params };
        }),
  },
  {
    // About a second each on a busy 2-core box (scrypt, N = 2^17): a few runs only.
    name: 'POST /login with credentials (each one hashes a password)',
    family: 'page',
    runs: 1 / 12,
    requests: (t) =>
      fc
        .tuple(
          wireValue(t.known),
          wireValue(['ada@acme.test']),
          wireValue(['correct horse battery staple']),
          fc.boolean(),
        )
        .map(([flowId, email, password, withFlow]) => ({
          method: 'POST',
          url: '/login',
          headers: { cookie: t.anonymous.cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: Buffer.concat([
            Buffer.from(`csrf_token=${encodeURIComponent(t.anonymous.csrf)}&email=`),
            email,
            Buffer.from('&password='),
            password,
            ...(withFlow ? [Buffer.from('&flow='), flowId] : []),
          ]),
        })),
  },
  {
    name: 'the console pages',
    family: 'page',
    runs: 1,
    requests: (t) =>
      fc
        .tuple(
          fc.constantFrom(
            'apps',
            'apps/new',
            'webhooks',
            'webhooks/new',
            'connected-apps',
            'members',
            'audit',
          ),
          wireValue(t.known),
          form(
            t,
            ['company', 'page', 'csrf_token', 'url', 'event', 'description'],
            [
              { csrf_token: t.csrf, url: 'https://hooks.example/x', event: '*', description: 'hooks' },
              { company: t.s.companyId },
            ],
          ),
          fc.boolean(),
          formContentType,
        )
        .map(([page, company, params, get, type]): Req => {
          const url = `/console/c/${latin1(company)}/${page}`;
          return get
            ? { method: 'GET', url: `${url}?${latin1(params)}`, headers: { cookie: t.cookie } }
            : {
                method: 'POST',
                url: `/console/c/${t.s.companyId}/webhooks`,
                headers: { cookie: t.cookie, ...headersOf(type) },
                payload: params,
              };
        }),
  },
  {
    name: 'GET and POST /invitations/:token, with a session or not',
    family: 'page',
    runs: 1,
    requests: (t) =>
      fc
        .tuple(
          wireValue(t.known),
          fc.boolean(),
          form(
            t,
            ['csrf_token', 'password', 'password_confirm'],
            [{ csrf_token: t.anonymous.csrf, password: 'short', password_confirm: 'other' }],
          ),
          formContentType,
          fc.boolean(),
        )
        .map(([token, get, params, type, withSession]): Req => {
          const url = `/invitations/${latin1(token)}`;
          const headers: Record<string, string> = withSession ? { cookie: t.anonymous.cookie } : {};
          return get
            ? { method: 'GET', url, headers }
            : { method: 'POST', url, headers: { ...headers, ...headersOf(type) }, payload: params };
        }),
  },
];
