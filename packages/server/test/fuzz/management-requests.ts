import fc from 'fast-check';
import { authorization, contentType, headerText, hostileString, jsonBody, wireValue } from './hostile.ts';
import { type FuzzProperty, type FuzzTarget, form, latin1, REDIRECT, type Req } from './target.ts';

/** Mostly the admin key; now and then anything else an Authorization header can hold. */
const adminAuth = (t: FuzzTarget) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(`Bearer ${t.s.adminKey}`) },
    { weight: 1, arbitrary: authorization(t.client.clientId, t.client.clientSecret) },
  );

/** Every field an app, webhook or admin key takes, each legitimate or hostile, each optional. */
const appInput = fc.record(
  {
    name: hostileString,
    scopes: fc.array(fc.oneof(fc.constantFrom('users.read', 'users.write'), hostileString), { maxLength: 3 }),
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

/** The management API under /api/v1. */
export const managementProperties: FuzzProperty[] = [
  {
    name: 'management API: lists and filters, ids in the path',
    family: 'management',
    runs: 2,
    requests: (t) =>
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
          fc.option(wireValue(t.known), { freq: 3 }),
          form(
            t,
            ['limit', 'cursor', 'action', 'target', 'status', 'app_id', 'endpoint_id'],
            [
              { action: 'app.created' },
              { target: `app:${t.client.appId}`, limit: '10' },
              { status: 'active' },
              { cursor: 'x', limit: '2' },
            ],
          ),
          adminAuth(t),
          fc.option(headerText, { freq: 5 }),
        )
        .map(([list, id, query, auth, company]) => ({
          method: 'GET',
          url: `/api/v1/${list}${id ? `/${latin1(id)}` : ''}?${latin1(query)}`,
          headers: { authorization: auth, ...(company === null ? {} : { 'x-company-id': company }) },
        })),
  },
  {
    name: 'management API: JSON bodies of every shape',
    family: 'management',
    runs: 2,
    requests: (t) =>
      fc
        .tuple(
          fc.constantFrom(
            'POST /apps',
            'POST /webhooks',
            'POST /admin-keys',
            'POST /apps/:id/rotate-secret',
            'PATCH /apps/:id',
            'DELETE /apps/:id',
          ),
          jsonBody(appInput),
          fc.oneof(
            { weight: 5, arbitrary: fc.constant('application/json') },
            { weight: 1, arbitrary: contentType },
          ),
          adminAuth(t),
          fc.option(wireValue([t.client.appId])),
        )
        .map(([route, payload, type, auth, id]): Req => {
          const [method, path] = route.split(' ') as ['POST' | 'PATCH' | 'DELETE', string];
          const url = `/api/v1${path.replace(':id', id ? latin1(id) : t.client.appId)}`;
          return { method, url, headers: { authorization: auth, 'content-type': type }, payload };
        }),
  },
];
