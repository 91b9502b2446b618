import { Type } from '@sinclair/typebox';
import {
  GRANT_TYPES,
  MAX_REFRESH_REUSE_WINDOW,
  MAX_TOKEN_TTL,
  MIN_TOKEN_TTL,
} from '../../apps/validation.ts';
import { appJson } from '../../apps/wire.ts';
import { SIGNING_ALGS } from '../../keys/key-store.ts';
import { clientAuthFields, clientAuthInput, clientAuthView } from './app-client-auth.ts';
import { logoutFields, logoutInput, logoutView } from './app-logout.ts';
import { tokenExchangeField, tokenExchangeInput, tokenExchangeView } from './app-token-exchange.ts';
import { type ApiRoute, route } from './route.ts';
import { DateTime, IdParams, NullableDateTime, PageOf, PageQuery } from './schemas.ts';

const Str = (max: number, description: string) => Type.String({ minLength: 1, maxLength: max, description });
const Enum = <T extends string>(values: readonly T[], description: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { description },
  );

const SecretInfo = Type.Object(
  { id: Type.String(), last4: Type.String(), created_at: DateTime, expires_at: NullableDateTime },
  { description: 'A live client secret: only its last four characters, never the secret or its hash.' },
);

const appProps = {
  id: Type.String(),
  client_id: Type.String(),
  name: Type.String(),
  logo_url: Type.Union([Type.String(), Type.Null()]),
  type: Type.String(),
  client_type: Type.String(),
  grant_types: Type.Array(Type.String()),
  scopes: Type.Array(Type.String(), { description: 'fixed at creation; no route changes them' }),
  redirect_uris: Type.Array(Type.String()),
  token_ttl: Type.Integer(),
  signing_alg: Type.String(),
  token_format: Type.String(),
  grant_delivery: Type.String(),
  scope_policy: Type.String(),
  skip_consent: Type.Boolean(),
  auto_consent: Type.Boolean({
    description: "internal apps only: their own company's admins are not shown the consent page",
  }),
  refresh_idle_ttl: Type.Integer(),
  refresh_absolute_ttl: Type.Integer(),
  refresh_reuse_window: Type.Union([Type.Integer(), Type.Null()], {
    description: "refresh reuse window in seconds (0: off); null follows the server's default",
  }),
  ...clientAuthView,
  ...logoutView,
  dpop_bound_access_tokens: Type.Boolean({
    description: 'DPoP (RFC 9449) required: the token endpoint refuses token requests without a DPoP proof',
  }),
  use_dpop_nonce: Type.Boolean({
    description: 'DPoP proofs must carry a server nonce (use_dpop_nonce, RFC 9449 section 8)',
  }),
  ...tokenExchangeView,
  created_at: DateTime,
  last_used_at: NullableDateTime,
  registration: Type.Union([Type.Literal('manual'), Type.Literal('dynamic')], {
    description:
      'manual: created in the console, the API or the CLI; dynamic: registered by a client with an initial access token (RFC 7591)',
  }),
  initial_access_token_id: Type.Union([Type.String(), Type.Null()], {
    description: 'the initial access token a dynamically registered app used; null for a manual one',
  }),
  secrets: Type.Optional(Type.Array(SecretInfo)),
};

export const AppView = Type.Object(appProps, { description: 'An OAuth app' });
const AppWithSecret = Type.Object(
  { ...appProps, client_secret: Type.String({ description: 'shown this once; only its hash is kept' }) },
  { description: 'An app with its new client secret' },
);
const CreatedApp = Type.Object(
  {
    ...appProps,
    client_secret: Type.Optional(
      Type.String({
        description:
          'shown this once; only its hash is kept. Absent for a public client, which has no secret (it uses PKCE)',
      }),
    ),
  },
  { description: 'The new app, with its client secret unless it is a public client' },
);

const CreateApp = Type.Object(
  {
    name: Str(100, 'display name'),
    scopes: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
      minItems: 1,
      maxItems: 100,
      description: 'catalog scopes; fixed for the life of the app',
    }),
    type: Type.Optional(Enum(['internal', 'partner'], 'internal (default) or partner')),
    client_type: Type.Optional(Enum(['confidential', 'public'], 'confidential (default) or public')),
    grant_types: Type.Optional(
      Type.Array(Enum(GRANT_TYPES, 'grant type'), { minItems: 1, maxItems: GRANT_TYPES.length }),
    ),
    redirect_uris: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { maxItems: 20 }),
    ),
    logo_url: Type.Optional(Type.String({ maxLength: 2000 })),
    token_ttl: Type.Optional(Type.Integer({ minimum: MIN_TOKEN_TTL, maximum: MAX_TOKEN_TTL })),
    signing_alg: Type.Optional(Enum(SIGNING_ALGS, 'token signing algorithm')),
    token_format: Type.Optional(Enum(['jwt', 'opaque'], 'jwt (default) or opaque')),
    grant_delivery: Type.Optional(Enum(['code', 'company_grant'], 'partner apps: code or company_grant')),
    scope_policy: Type.Optional(Enum(['strict', 'narrow'], 'strict (default) or narrow')),
    skip_consent: Type.Optional(Type.Boolean()),
    auto_consent: Type.Optional(
      Type.Boolean({ description: 'internal apps only (400 for a partner app): skip the consent page' }),
    ),
    refresh_idle_ttl: Type.Optional(Type.Integer({ minimum: 300, maximum: 31_536_000 })),
    refresh_absolute_ttl: Type.Optional(Type.Integer({ minimum: 3600, maximum: 31_536_000 })),
    refresh_reuse_window: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_REFRESH_REUSE_WINDOW,
        description:
          'seconds during which the refresh token rotated last may be presented again (a retry) while its successor is unused; 0 turns it off; absent: the server default',
      }),
    ),
    ...clientAuthInput,
    ...logoutInput,
    dpop_bound_access_tokens: Type.Optional(
      Type.Boolean({
        description:
          'DPoP (RFC 9449) required: the token endpoint refuses token requests without a DPoP proof',
      }),
    ),
    use_dpop_nonce: Type.Optional(
      Type.Boolean({
        description: 'DPoP proofs must carry a server nonce (use_dpop_nonce, RFC 9449 section 8)',
      }),
    ),
    ...tokenExchangeInput,
  },
  { additionalProperties: false },
);

const RedirectUris = (description: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { maxItems: 20, description });

const UpdateApp = Type.Object(
  {
    name: Type.Optional(Str(100, 'display name')),
    logo_url: Type.Optional(
      Type.Union([Type.String({ maxLength: 2000 }), Type.Null()], {
        description: 'null or "" removes the logo',
      }),
    ),
    redirect_uris: Type.Optional(
      RedirectUris('the whole list (replaces it); not with add_ or remove_redirect_uris'),
    ),
    add_redirect_uris: Type.Optional(RedirectUris('added to the list (one already there changes nothing)')),
    remove_redirect_uris: Type.Optional(
      RedirectUris('removed from the list (one not there changes nothing)'),
    ),
    token_ttl: Type.Optional(
      Type.Integer({
        minimum: MIN_TOKEN_TTL,
        maximum: MAX_TOKEN_TTL,
        description: 'for tokens issued from now on',
      }),
    ),
    signing_alg: Type.Optional(Enum(SIGNING_ALGS, 'for tokens issued from now on')),
    token_format: Type.Optional(Enum(['jwt', 'opaque'], 'for tokens issued from now on')),
    grant_delivery: Type.Optional(Enum(['code', 'company_grant'], 'partner apps: code or company_grant')),
    implicit: Type.Optional(
      Type.Boolean({ description: 'opt in to (true) or out of (false) the implicit grant' }),
    ),
    device_code: Type.Optional(
      Type.Boolean({
        description: 'opt in to (true) or out of (false) the device authorization grant (RFC 8628)',
      }),
    ),
    skip_consent: Type.Optional(
      Type.Boolean({
        description: 'remembered consent: a later authorization within the granted scopes skips the page',
      }),
    ),
    ...clientAuthInput,
    ...logoutInput,
    dpop_bound_access_tokens: Type.Optional(
      Type.Boolean({
        description:
          'DPoP (RFC 9449) required: the token endpoint refuses token requests without a DPoP proof',
      }),
    ),
    use_dpop_nonce: Type.Optional(
      Type.Boolean({
        description: 'DPoP proofs must carry a server nonce (use_dpop_nonce, RFC 9449 section 8)',
      }),
    ),
    ...tokenExchangeInput,
    auto_consent: Type.Optional(
      Type.Boolean({
        description:
          "internal apps only (400 for a partner app): their own company's admins are not shown the consent page",
      }),
    ),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description:
      'The fields to change; absent ones stay. Scopes, type and client type are fixed (create a new app for others).',
  },
);

const opt = <K extends string, V>(key: K, v: V | undefined) =>
  (v === undefined ? {} : { [key]: v }) as Partial<Record<K, V>>;

export const appRoutes: ApiRoute[] = [
  route({
    method: 'GET',
    url: '/apps',
    operationId: 'listApps',
    summary: "List the company's apps, newest first",
    tag: 'apps',
    schema: {
      querystring: Type.Object(PageQuery, { additionalProperties: false }),
      response: { 200: PageOf(AppView, 'A page of apps') },
    },
    errors: [400],
    async handler({ gh, caller, query }) {
      const page = await gh.apps.page(caller.companyId, query);
      return { items: page.items.map(appJson), next: page.next };
    },
  }),
  route({
    method: 'POST',
    url: '/apps',
    operationId: 'createApp',
    summary: 'Create an app; the response carries its client secret, once (none for a public client)',
    tag: 'apps',
    schema: { body: CreateApp, response: { 201: CreatedApp } },
    errors: [400, 403, 404],
    async handler({ gh, caller, body, reply }) {
      await gh.access.requirePlan(caller.companyId, 'createApps');
      const { app, clientSecret } = await gh.apps.create(
        {
          companyId: caller.companyId,
          name: body.name,
          scopes: body.scopes,
          ...opt('type', body.type),
          ...opt('clientType', body.client_type),
          ...opt('grantTypes', body.grant_types),
          ...opt('redirectUris', body.redirect_uris),
          ...opt('logoUrl', body.logo_url),
          ...opt('tokenTtl', body.token_ttl),
          ...opt('signingAlg', body.signing_alg),
          ...opt('tokenFormat', body.token_format),
          ...opt('grantDelivery', body.grant_delivery),
          ...opt('scopePolicy', body.scope_policy),
          ...opt('skipConsent', body.skip_consent),
          ...opt('autoConsent', body.auto_consent),
          ...opt('refreshIdleTtl', body.refresh_idle_ttl),
          ...opt('refreshAbsoluteTtl', body.refresh_absolute_ttl),
          ...opt('refreshReuseWindow', body.refresh_reuse_window),
          ...clientAuthFields(body),
          ...logoutFields(body),
          ...opt('dpopBoundAccessTokens', body.dpop_bound_access_tokens),
          ...opt('useDpopNonce', body.use_dpop_nonce),
          ...tokenExchangeField(body),
        },
        caller.actor,
      );
      reply.code(201).header('Location', `/api/v1/apps/${app.id}`);
      return clientSecret === null ? appJson(app) : { ...appJson(app), client_secret: clientSecret };
    },
  }),
  route({
    method: 'GET',
    url: '/apps/:id',
    operationId: 'getApp',
    summary: 'An app with the last four characters of its live secrets',
    tag: 'apps',
    schema: { params: IdParams('app (or its client_id)'), response: { 200: AppView } },
    errors: [400, 404],
    async handler({ gh, caller, params }) {
      return appJson(await gh.apps.get(caller.companyId, params.id));
    },
  }),
  route({
    method: 'PATCH',
    url: '/apps/:id',
    operationId: 'updateApp',
    summary:
      'Change an app (by id or client_id): name, logo, redirect URIs, token lifetime, format and algorithm, grant delivery, implicit, remembered consent, token exchange. Scopes are fixed: 400',
    tag: 'apps',
    schema: { params: IdParams('app (or its client_id)'), body: UpdateApp, response: { 200: AppView } },
    errors: [400, 403, 404, 409],
    async handler({ gh, caller, params, body }) {
      const app = await gh.apps.update(
        caller.companyId,
        params.id,
        {
          ...opt('name', body.name),
          ...opt('logoUrl', body.logo_url),
          ...opt('redirectUris', body.redirect_uris),
          ...opt('addRedirectUris', body.add_redirect_uris),
          ...opt('removeRedirectUris', body.remove_redirect_uris),
          ...opt('tokenTtl', body.token_ttl),
          ...opt('signingAlg', body.signing_alg),
          ...opt('tokenFormat', body.token_format),
          ...opt('grantDelivery', body.grant_delivery),
          ...opt('implicit', body.implicit),
          ...opt('deviceCode', body.device_code),
          ...opt('skipConsent', body.skip_consent),
          ...clientAuthFields(body),
          ...logoutFields(body),
          ...opt('dpopBoundAccessTokens', body.dpop_bound_access_tokens),
          ...opt('useDpopNonce', body.use_dpop_nonce),
          ...opt('autoConsent', body.auto_consent),
          ...tokenExchangeField(body),
        },
        caller.actor,
      );
      return appJson(app);
    },
  }),
  route({
    method: 'POST',
    url: '/apps/:id/rotate-secret',
    operationId: 'rotateAppSecret',
    summary:
      'Issue a new client secret (shown once); older ones work for grace_seconds more. A public client has none: 409',
    tag: 'apps',
    schema: {
      params: IdParams('app'),
      body: Type.Object(
        {
          grace_seconds: Type.Optional(
            Type.Integer({
              minimum: 0,
              maximum: 2_592_000,
              default: 0,
              description: 'how long older secrets keep working (0 to 30 days; default 0)',
            }),
          ),
        },
        { additionalProperties: false },
      ),
      response: { 200: AppWithSecret },
    },
    errors: [400, 403, 404, 409],
    async handler({ gh, caller, params, body }) {
      const { app, clientSecret } = await gh.apps.rotateSecret(
        caller.companyId,
        params.id,
        caller.actor,
        body.grace_seconds ?? 0,
      );
      return { ...appJson(app), client_secret: clientSecret };
    },
  }),
  route({
    method: 'DELETE',
    url: '/apps/:id',
    operationId: 'deleteApp',
    summary: 'Delete an app: its secrets stop working and every grant to it is revoked',
    tag: 'apps',
    schema: { params: IdParams('app'), response: { 204: null } },
    errors: [400, 403, 404],
    async handler({ gh, caller, params, reply }) {
      await gh.apps.delete(caller.companyId, params.id, caller.actor);
      reply.code(204);
      return null;
    },
  }),
];
