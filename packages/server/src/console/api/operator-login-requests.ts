import { Type } from '@sinclair/typebox';
import { REJECT_ERRORS } from '../../authorization/login-delegation.ts';
import { userJson } from '../../users/wire.ts';
import { ExternalId } from './operator-companies.ts';
import { UserRecord } from './operator-users.ts';
import { type ApiRoute, route } from './route.ts';
import { DateTime } from './schemas.ts';

const TAG = 'operator: login delegation';

const ChallengeParams = Type.Object(
  {
    challenge: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: '^[A-Za-z0-9_-]+$',
      description: 'the login_challenge your login URL received',
    }),
  },
  { additionalProperties: false },
);

const LoginRequestRecord = Type.Object(
  {
    challenge: Type.String(),
    client: Type.Union([
      Type.Object({ client_id: Type.String(), name: Type.String() }),
      Type.Null({ description: 'null: a sign-in to the Integration Center, not for an app' }),
    ]),
    requested_scopes: Type.Array(Type.String()),
    prompt: Type.Union([Type.String(), Type.Null()], {
      description: '"login": authenticate the person again, whatever session your application has',
    }),
    login_hint: Type.Union([Type.String(), Type.Null()]),
    max_age: Type.Union([Type.Integer(), Type.Null()], {
      description: 'the person must have authenticated at most this many seconds ago',
    }),
    skip: Type.Boolean({
      description: 'always false: Gatehouse sends nobody here whose Gatehouse session is good enough already',
    }),
    subject: Type.Union([Type.String(), Type.Null()], {
      description: 'the external id of the person this browser is signed in as (a re-authentication)',
    }),
    expires_at: DateTime,
  },
  { description: 'A login request waiting for your login application' },
);

const Redirect = Type.Object(
  {
    redirect_to: Type.String({
      description: 'send the browser here (303): Gatehouse goes on with the flow, for that browser only',
    }),
  },
  { description: 'Where to send the browser' },
);

const Membership = Type.Object(
  {
    external_id: ExternalId,
    role: Type.Union([Type.Literal('admin'), Type.Literal('member')]),
  },
  { additionalProperties: false },
);

/** RFC 6749 5.2: error_description is printable ASCII without `"` and `\`. */
const Description = Type.String({
  minLength: 1,
  maxLength: 500,
  pattern: '^[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]+$',
  description: 'shown to the client as error_description: printable ASCII without " and \\',
});

export const operatorLoginRequestRoutes: ApiRoute[] = [
  route({
    method: 'GET',
    url: '/login-requests/:challenge',
    operationId: 'getLoginRequest',
    summary: 'A login request sent to GATEHOUSE_LOGIN_URL: the client, scopes, prompt, login_hint, max_age',
    tag: TAG,
    operator: true,
    schema: { params: ChallengeParams, response: { 200: LoginRequestRecord } },
    errors: [400, 403, 404, 410],
    async handler({ gh, params }) {
      const r = await gh.loginDelegation.describe(params.challenge);
      return {
        challenge: r.challenge,
        client: r.client && { client_id: r.client.clientId, name: r.client.name },
        requested_scopes: r.scopes,
        prompt: r.prompt,
        login_hint: r.loginHint,
        max_age: r.maxAge,
        skip: r.skip,
        subject: r.subject,
        expires_at: r.expiresAt.toISOString(),
      };
    },
  }),
  route({
    method: 'PUT',
    url: '/login-requests/:challenge/accept',
    operationId: 'acceptLoginRequest',
    summary:
      'Accept a login request: the person your application authenticated, made or updated just in time, with their companies',
    tag: TAG,
    operator: true,
    schema: {
      params: ChallengeParams,
      body: Type.Object(
        {
          subject: Type.Object(
            {
              external_id: ExternalId,
              email: Type.String({ minLength: 3, maxLength: 254 }),
              name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
              email_verified: Type.Optional(
                Type.Boolean({ description: 'true when your application has verified the address' }),
              ),
              companies: Type.Optional(
                Type.Array(Membership, {
                  maxItems: 500,
                  description:
                    "present: the person's memberships become exactly these (companies by external id); absent: unchanged",
                }),
              ),
            },
            { additionalProperties: false },
          ),
        },
        { additionalProperties: false },
      ),
      response: {
        200: Type.Object({
          redirect_to: Redirect.properties.redirect_to,
          user: UserRecord,
          unknown_companies: Type.Array(Type.String(), {
            description: 'external ids in `companies` that match no company here (skipped)',
          }),
        }),
      },
    },
    errors: [400, 403, 404, 409, 410],
    async handler({ gh, caller, params, body }) {
      const s = body.subject;
      const accepted = await gh.loginDelegation.accept(
        params.challenge,
        {
          externalId: s.external_id,
          email: s.email,
          ...(s.name !== undefined ? { name: s.name } : {}),
          ...(s.email_verified !== undefined ? { emailVerified: s.email_verified } : {}),
          ...(s.companies !== undefined
            ? { companies: s.companies.map((c) => ({ externalId: c.external_id, role: c.role })) }
            : {}),
        },
        caller.actor,
      );
      return {
        redirect_to: accepted.redirectTo,
        user: userJson(accepted.user),
        unknown_companies: accepted.unknownCompanies,
      };
    },
  }),
  route({
    method: 'PUT',
    url: '/login-requests/:challenge/reject',
    operationId: 'rejectLoginRequest',
    summary: 'Reject a login request: the client gets the error (access_denied by default) and description',
    tag: TAG,
    operator: true,
    schema: {
      params: ChallengeParams,
      body: Type.Object(
        {
          error: Type.Optional(
            Type.Union(
              REJECT_ERRORS.map((e) => Type.Literal(e)),
              { description: 'the OAuth error for the client, default access_denied' },
            ),
          ),
          error_description: Type.Optional(Description),
        },
        { additionalProperties: false },
      ),
      response: { 200: Redirect },
    },
    errors: [400, 403, 404, 410],
    async handler({ gh, params, body }) {
      const rejected = await gh.loginDelegation.reject(
        params.challenge,
        body.error ?? 'access_denied',
        body.error_description,
      );
      return { redirect_to: rejected.redirectTo };
    },
  }),
];
