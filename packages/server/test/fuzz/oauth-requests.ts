import fc from 'fast-check';
import { authorization, formContentType, headerText, wireValue } from './hostile.ts';
import { type FuzzProperty, form, headersOf, latin1, REDIRECT, VERIFIER } from './target.ts';

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

/** The OAuth JSON endpoints: token, introspection, revocation, grant resolution, unrouted paths. */
export const oauthProperties: FuzzProperty[] = [
  {
    name: 'POST /oauth2/token',
    family: 'oauth',
    runs: 3,
    requests: (t) =>
      fc
        .tuple(
          form(t, TOKEN_NAMES, [
            {
              grant_type: 'client_credentials',
              client_id: t.client.clientId,
              client_secret: t.client.clientSecret,
              scope: 'users.read',
            },
            { grant_type: 'client_credentials', scope: 'users.read' },
            {
              grant_type: 'authorization_code',
              code: 'not-a-code',
              redirect_uri: REDIRECT,
              client_id: t.partner.clientId,
              client_secret: t.partner.clientSecret,
              code_verifier: VERIFIER,
            },
            {
              grant_type: 'refresh_token',
              refresh_token: 'not-a-token',
              client_id: t.partner.clientId,
              client_secret: t.partner.clientSecret,
            },
          ]),
          formContentType,
          fc.option(authorization(t.client.clientId, t.client.clientSecret)),
        )
        .map(([payload, type, auth]) => ({
          method: 'POST',
          url: '/oauth2/token',
          headers: headersOf(type, auth ? { authorization: auth } : {}),
          payload,
        })),
  },
  {
    name: 'POST /oauth2/introspect and /oauth2/revoke',
    family: 'oauth',
    runs: 2,
    requests: (t) =>
      fc
        .tuple(
          fc.constantFrom('/oauth2/introspect', '/oauth2/revoke'),
          form(
            t,
            ['token', 'token_type_hint', 'client_id', 'client_secret', 'company_guid'],
            [
              { token: 'not-a-token', client_id: t.client.clientId, client_secret: t.client.clientSecret },
              {
                token: 'not-a-token',
                token_type_hint: 'refresh_token',
                client_id: t.client.clientId,
                client_secret: t.client.clientSecret,
                company_guid: '6f1c1d2e-58b4-4a8f-9d6c-0a2b3c4d5e6f',
              },
            ],
          ),
          formContentType,
          fc.option(authorization(t.client.clientId, t.client.clientSecret), { freq: 1 }),
        )
        .map(([url, payload, type, auth]) => ({
          method: 'POST',
          url,
          headers: headersOf(type, auth ? { authorization: auth } : {}),
          payload,
        })),
  },
  {
    name: 'grant resolution and paths nobody routes',
    family: 'oauth',
    runs: 1,
    requests: (t) =>
      fc
        .tuple(
          fc.constantFrom('/oauth2/grants/', '/oauth2/', '/nowhere/', '/.well-known/'),
          wireValue(t.known),
          headerText,
        )
        .map(([prefix, tail, bearer]) => ({
          method: 'GET',
          url: `${prefix}${latin1(tail)}`,
          headers: { authorization: `Bearer ${bearer}` },
        })),
  },
];
