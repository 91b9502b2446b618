import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { App, AppWithSecrets } from '../../src/apps/app-service.ts';
import type { Company } from '../../src/companies/company-service.ts';
import type { Grant } from '../../src/consents/company-grant-service.ts';
import type { ConsoleContext } from '../../src/console/context.ts';
import { appCreatePage, EMPTY_DRAFT } from '../../src/console/pages/app-create.ts';
import { appDetailPage } from '../../src/console/pages/app-detail.ts';
import { appEditPage, draftOf } from '../../src/console/pages/app-edit.ts';
import { appSecretPage } from '../../src/console/pages/app-secret.ts';
import { appsListPage } from '../../src/console/pages/apps-list.ts';
import { auditLogPage } from '../../src/console/pages/audit-log.ts';
import { confirmPage, deletePage, graceSelect } from '../../src/console/pages/confirm.ts';
import { connectedAppsPage } from '../../src/console/pages/connected-apps.ts';
import {
  initialAccessTokenNewPage,
  initialAccessTokenSecretPage,
  initialAccessTokensPage,
} from '../../src/console/pages/initial-access-tokens.ts';
import { invitationLinkPage, membersPage } from '../../src/console/pages/members.ts';
import { errorPage as consoleErrorPage, planRequiredPage } from '../../src/console/pages/message.ts';
import {
  webhookDetailPage,
  webhookNewPage,
  webhookSecretPage,
  webhooksPage,
} from '../../src/console/pages/webhooks.ts';
import { type Catalog, EN, LOCALES, type MessageKey } from '../../src/i18n/catalogs.ts';
import type { Message } from '../../src/i18n/message.ts';
import { Translator } from '../../src/i18n/translator.ts';
import { SIGNING_ALGS } from '../../src/keys/key-store.ts';
import { DEFAULT_SCOPE_CATALOG } from '../../src/oauth/scopes/catalog.ts';
import { companyChooserPage } from '../../src/pages/company-chooser.ts';
import { consentPage, describeScopes } from '../../src/pages/consent.ts';
import { deviceCodePage, deviceConfirmPage, deviceResultPage } from '../../src/pages/device.ts';
import { emailVerifiedPage, verificationClosedPage } from '../../src/pages/email-verification.ts';
import { html } from '../../src/pages/html.ts';
import { invitationClosedPage, invitationPage } from '../../src/pages/invitation.ts';
import { messagePage, type PageUi } from '../../src/pages/layout.ts';
import { loginPage, signedInPage, signedOutPage, signInRefusal } from '../../src/pages/login.ts';
import { logoutConfirmPage } from '../../src/pages/logout.ts';
import {
  forgotPasswordPage,
  passwordChangedPage,
  resetClosedPage,
  resetLinkSentPage,
  resetPasswordPage,
} from '../../src/pages/password-reset.ts';
import { grantGuidPage } from '../../src/pages/result-pages.ts';
import type { InitialAccessToken } from '../../src/registration/initial-access-token-service.ts';
import type { User } from '../../src/users/user-service.ts';
import { WEBHOOK_EVENT_TYPES, type WebhookEndpoint } from '../../src/webhooks/webhook-service.ts';

const PLACEHOLDER = /\{([a-z_]+)\}/g;
const forms = (m: Message): string[] => (typeof m === 'string' ? [m] : Object.values(m));
const placeholders = (m: Message) =>
  [...new Set(forms(m).flatMap((f) => [...f.matchAll(PLACEHOLDER)].map((x) => x[1])))].sort();

describe('every catalog has every message of English, with the same placeholders', () => {
  const keys = Object.keys(EN).sort();
  for (const locale of LOCALES)
    test(`${locale.tag}`, () => {
      assert.deepEqual(Object.keys(locale.catalog).sort(), keys, `${locale.tag}: keys differ from en`);
      const categories = new Intl.PluralRules(locale.tag).resolvedOptions().pluralCategories;
      for (const key of keys as MessageKey[]) {
        const m = locale.catalog[key];
        const source = EN[key] as Message;
        for (const f of forms(m)) assert.ok(f.trim() !== '', `${locale.tag} ${key} is empty`);
        assert.deepEqual(placeholders(m), placeholders(source), `${locale.tag} ${key}: placeholders`);
        assert.equal(
          typeof m === 'string',
          typeof source === 'string',
          `${locale.tag} ${key}: plural or not`,
        );
        if (typeof m !== 'string')
          for (const c of categories)
            assert.ok(
              m[c] !== undefined || c === 'other' || (c !== 'one' && c !== 'few'),
              `${locale.tag} ${key}: no ${c} form`,
            );
      }
    });
});

/**
 * A pseudo-locale: every message wrapped in ⟦ ⟧, right-to-left. Rendered with it, a page shows
 * no letter outside ⟦ ⟧ but the data it was given: anything else is a string some page wrote
 * itself instead of taking it from the catalogs.
 */
function pseudoUi(): PageUi {
  const wrap = (s: string) => `⟦${s}⟧`;
  const catalog = Object.fromEntries(
    Object.entries(EN).map(([k, m]: [string, Message]) => [
      k,
      typeof m === 'string' ? wrap(m) : Object.fromEntries(Object.entries(m).map(([c, f]) => [c, wrap(f)])),
    ]),
  ) as unknown as Catalog;
  return {
    t: new Translator({ tag: 'en-XA', dir: 'rtl', catalog }),
    theme: {
      productName: 'Ωmega',
      logoUrl: '/logo.svg',
      colors: {},
      supportUrl: 'https://support.example',
      privacyUrl: 'https://privacy.example',
    },
    themeVersion: 'v1',
  };
}

/**
 * The console pages whose every string comes from the catalogs (docs/branding.md lists the
 * rest): each page function they export must be rendered by renderAll.
 */
const TRANSLATED_CONSOLE_PAGES = [
  'message.ts',
  'apps-list.ts',
  'app-detail.ts',
  'app-secret.ts',
  'connected-apps.ts',
  'confirm.ts',
  'audit-log.ts',
  'webhooks.ts',
  'app-create.ts',
  'app-edit.ts',
  'members.ts',
  'initial-access-tokens.ts',
];

/** What the fixtures put on the pages: data, not page strings. */
const DATA = [
  // Before any shorter entry that is part of it.
  'client_credentials',
  'Ωmega',
  'Acme Ltd',
  'Globex',
  'Timekeeper',
  'WDJB-MJHT',
  'ada@acme.test',
  'users.read',
  'openid',
  'pro',
  'enterprise',
  'free',
  'invalid_csrf_token',
  'the redirect_uri is not registered',
  'Okta',
  'Read your users',
  'ES256',
  'gh_client_1',
  'gh_secret_1',
  'https://client.example/cb',
  'https://client.example/signed-out',
  'https://client.example/backchannel',
  'a1b2',
  'Ada',
  'app:app_1',
  'app:app_',
  'some.future_action',
  'cli',
  'https://hooks.acme.test/gatehouse',
  'https://example.com/webhooks/gatehouse',
  'whe_1',
  'dl_1',
  'Payroll sync',
  'HTTP 502 from hooks.acme.test',
  ...WEBHOOK_EVENT_TYPES,
  'Time Clock',
  'time_clock',
  'shifts',
  'redirect URI "http://x" must not contain user information',
  'https://keys.example/jwks',
  ...SIGNING_ALGS,
  'bo@acme.test',
  'Bo',
  'https://gatehouse.example/invitations/abc',
  'iat_1',
  'Shiftly onboarding',
  'authorization_code',
  'refresh_token',
  'implicit',
  'https://shiftly.example/*',
  'https://gatehouse.example/oauth2/register',
  'gthia_secret_1',
];

const company = { id: 'co_1', name: 'Acme Ltd', plan: 'free' } as Company;
const user = { id: 'u_1', email: 'ada@acme.test', name: 'Ada' } as User;
const app = {
  id: 'app_1',
  clientId: 'gh_client_1',
  name: 'Timekeeper',
  logoUrl: 'https://logo.example/t.png',
  type: 'partner',
  clientType: 'confidential',
  grantTypes: ['authorization_code', 'implicit'],
  grantDelivery: 'code',
  scopes: ['users.read'],
  redirectUris: ['https://client.example/cb'],
  postLogoutRedirectUris: ['https://client.example/signed-out'],
  backchannelLogoutUri: 'https://client.example/backchannel',
  tokenTtl: 3600,
  tokenFormat: 'jwt',
  signingAlg: 'ES256',
  skipConsent: true,
  createdAt: new Date('2026-01-02T03:04:00Z'),
  lastUsedAt: null,
} as unknown as App;
const later = new Date(Date.now() + 86_400_000);
const iat = {
  id: 'iat_1',
  companyId: 'co_1',
  name: 'Shiftly onboarding',
  last4: 'a1b2',
  allowedGrantTypes: ['client_credentials'],
  allowedScopes: ['users.read'],
  redirectUriPatterns: ['https://shiftly.example/*'],
  maxApps: 5,
  uses: 1,
  expiresAt: later,
  createdBy: 'user:u_1',
  createdAt: app.createdAt,
  revokedAt: null,
} as unknown as InitialAccessToken;
const withSecrets = {
  ...app,
  secrets: [{ last4: 'a1b2', createdAt: app.createdAt, expiresAt: later }],
} as unknown as AppWithSecrets;
const grant = {
  id: 'gr_1',
  guid: '0c6b7cba-5e36-4b0a-9c34-2f1a2bc2f1d1',
  scopes: ['users.read'],
  grantedBy: 'u_1',
  createdAt: app.createdAt,
  lastUsedAt: null,
  revokedAt: null,
} as unknown as Grant;

const endpoint = {
  id: 'whe_1',
  companyId: 'co_1',
  appId: null,
  url: 'https://hooks.acme.test/gatehouse',
  events: ['app.updated', 'app.deleted'],
  description: 'Payroll sync',
  secretLast4: 'a1b2',
  createdAt: app.createdAt,
} as unknown as WebhookEndpoint;

function consoleCtx(ui: PageUi, role: 'admin' | 'member'): ConsoleContext {
  return {
    user,
    company,
    role,
    isAdmin: role === 'admin',
    companies: [
      { company, role },
      { company: { ...company, id: 'co_2', name: 'Globex' }, role },
    ],
    csrf: 'csrf-token',
    base: '/console/c/co_1',
    actor: 'user:u_1',
    ui,
  } as unknown as ConsoleContext;
}

/** Every page of src/pages, and the console's frame and message pages, in every state that adds text. */
function renderAll(ui: PageUi): Record<string, string> {
  const upstreams = [{ id: 'okta', name: 'Okta' }];
  const scopes = describeScopes(
    ['openid', 'users.read'],
    { plain: [{ name: 'users.read', description: 'Read your users' }], features: [] },
    ui.t,
  );
  return {
    loginPage: loginPage(ui, {
      csrf: 'c',
      upstreams,
      flow: 'f',
      appName: 'Timekeeper',
      error: { key: 'sign_in.invalid' },
    }),
    'loginPage (console)': loginPage(ui, {
      csrf: 'c',
      returnTo: '/console',
      error: signInRefusal({ kind: 'busy', retryAfter: 30 } as never, ui),
    }),
    signedInPage: signedInPage(ui, { csrf: 'c', email: 'ada@acme.test' }),
    'signedInPage (unverified)': signedInPage(ui, {
      csrf: 'c',
      email: 'ada@acme.test',
      emailVerified: false,
      notice: 'sent',
    }),
    'signedInPage (throttled)': signedInPage(ui, { csrf: 'c', email: 'ada@acme.test', notice: 'throttled' }),
    forgotPasswordPage: forgotPasswordPage(ui, { csrf: 'c', flow: 'f' }),
    resetLinkSentPage: resetLinkSentPage(ui),
    resetPasswordPage: resetPasswordPage(ui, {
      csrf: 'c',
      action: '/password-reset/x',
      user,
      flow: 'f',
      error: { key: 'password_reset.mismatch' },
    }),
    'resetPasswordPage (length)': resetPasswordPage(ui, {
      csrf: 'c',
      action: '/password-reset/x',
      user,
      error: { key: 'password_reset.password_length' },
    }),
    passwordChangedPage: passwordChangedPage(ui),
    ...Object.fromEntries(
      (['used', 'expired', 'throttled', 'unknown'] as const).map((k) => [
        `resetClosedPage ${k}`,
        resetClosedPage(ui, k),
      ]),
    ),
    emailVerifiedPage: emailVerifiedPage(ui, 'ada@acme.test'),
    ...Object.fromEntries(
      (['used', 'expired', 'unknown'] as const).map((k) => [
        `verificationClosedPage ${k}`,
        verificationClosedPage(ui, k),
      ]),
    ),
    signedOutPage: signedOutPage(ui),
    logoutConfirmPage: logoutConfirmPage(ui, {
      csrf: 'c',
      appName: 'Timekeeper',
      email: 'ada@acme.test',
      carry: { clientId: 'cl_1', postLogoutRedirectUri: 'https://partner.example/out', state: 's' },
    }),
    'logoutConfirmPage without app': logoutConfirmPage(ui, {
      csrf: 'c',
      appName: null,
      email: null,
      carry: { clientId: null, postLogoutRedirectUri: null, state: null },
    }),
    companyChooserPage: companyChooserPage(ui, {
      csrf: 'c',
      flow: 'f',
      appName: 'Timekeeper',
      companies: [company],
    }),
    consentPage: consentPage(ui, { csrf: 'c', flow: 'f', app, company, user, scopes }),
    grantGuidPage: grantGuidPage(ui, { appName: 'Timekeeper', company, grant }),
    deviceCodePage: deviceCodePage(ui, { csrf: 'c', userCode: 'WDJB-MJHT', invalid: true }),
    deviceConfirmPage: deviceConfirmPage(ui, { csrf: 'c', userCode: 'WDJB-MJHT', app, scopes }),
    ...Object.fromEntries(
      [true, false].map((approved) => [
        `deviceResultPage ${approved}`,
        deviceResultPage(ui, { approved, appName: 'Timekeeper' }),
      ]),
    ),
    ...Object.fromEntries(
      (['throttled'] as const).map((k) => [
        `messagePage (device ${k})`,
        messagePage(ui, {
          title: ui.t.t(`device.${k}_title`),
          message: ui.t.t(`device.${k}`, { seconds: 30, app: 'Timekeeper' }),
        }),
      ]),
    ),
    invitationPage: invitationPage(ui, {
      csrf: 'c',
      action: '/invitations/x',
      user,
      company,
      error: { key: 'invitation.mismatch' },
    }),
    ...Object.fromEntries(
      (['used', 'expired', 'throttled', 'unknown'] as const).map((k) => [
        `invitationClosedPage ${k}`,
        invitationClosedPage(ui, k),
      ]),
    ),
    messagePage: messagePage(ui, {
      title: ui.t.t('flow.failed_title'),
      message: ui.t.t('flow.refused'),
      detail: 'the redirect_uri is not registered',
      code: 'invalid_csrf_token',
    }),
    'errorPage (console)': consoleErrorPage(
      ui,
      ui.t.t('console.error.not_found_title'),
      ui.t.t('console.error.no_such_company'),
    ),
    'errorPage (console, framed, admin)': consoleErrorPage(
      ui,
      ui.t.t('console.error.admin_only_title'),
      ui.t.t('console.error.admin_only', { company: 'Acme Ltd' }),
      consoleCtx(ui, 'admin'),
    ),
    'planRequiredPage (member)': planRequiredPage(consoleCtx(ui, 'member'), 'grantAccess', [
      'pro',
      'enterprise',
    ]),
    planRequiredPage: planRequiredPage(consoleCtx(ui, 'admin'), 'createApps', ['pro']),
    appsListPage: appsListPage(
      consoleCtx(ui, 'admin'),
      [app, { ...app, type: 'internal', initialAccessTokenId: 'iat_1' } as App],
      true,
    ),
    'appsListPage (member, empty)': appsListPage(consoleCtx(ui, 'member'), [], false),
    'appsListPage (plan)': appsListPage(consoleCtx(ui, 'admin'), [], false),
    appDetailPage: appDetailPage(consoleCtx(ui, 'admin'), withSecrets, true),
    'appDetailPage (registered)': appDetailPage(
      consoleCtx(ui, 'admin'),
      { ...withSecrets, initialAccessTokenId: 'iat_1' } as AppWithSecrets,
      true,
    ),
    initialAccessTokensPage: initialAccessTokensPage(consoleCtx(ui, 'admin'), [
      iat,
      { ...iat, allowedScopes: null, allowedGrantTypes: null, redirectUriPatterns: null, maxApps: null },
      { ...iat, revokedAt: later },
      { ...iat, uses: 5 },
      { ...iat, expiresAt: app.createdAt },
    ]),
    'initialAccessTokensPage (member, empty)': initialAccessTokensPage(consoleCtx(ui, 'member'), []),
    initialAccessTokenNewPage: initialAccessTokenNewPage(
      consoleCtx(ui, 'admin'),
      {
        name: 'Shiftly onboarding',
        scopes: 'users.read',
        grantTypes: ['client_credentials'],
        redirects: '',
        maxApps: '5',
        expiresDays: '30',
      },
      ['client_credentials', 'authorization_code', 'refresh_token', 'implicit'],
      ['name', 'allowedScopes', 'allowedGrantTypes', 'redirectUriPatterns', 'maxApps', 'expiresIn'],
    ),
    initialAccessTokenSecretPage: initialAccessTokenSecretPage(
      consoleCtx(ui, 'admin'),
      iat,
      'gthia_secret_1',
      'https://gatehouse.example/oauth2/register',
    ),
    'appDetailPage (member, public, opaque)': appDetailPage(consoleCtx(ui, 'member'), {
      ...withSecrets,
      clientType: 'public',
      tokenFormat: 'opaque',
      redirectUris: [],
      type: 'internal',
    } as AppWithSecrets),
    appSecretPage: appSecretPage(consoleCtx(ui, 'admin'), app, 'gh_secret_1', false),
    'appSecretPage (rotated)': appSecretPage(consoleCtx(ui, 'admin'), app, 'gh_secret_1', true),
    connectedAppsPage: connectedAppsPage(
      consoleCtx(ui, 'admin'),
      [
        { grant, app },
        { grant: { ...grant, id: 'gr_2', grantedBy: null, revokedAt: later }, app },
      ],
      new Map([['u_1', 'ada@acme.test']]),
    ),
    'connectedAppsPage (member, empty)': connectedAppsPage(consoleCtx(ui, 'member'), [], new Map()),
    auditLogPage: auditLogPage({
      ctx: consoleCtx(ui, 'admin'),
      events: [
        {
          id: 'ev_1',
          companyId: 'co_1',
          actor: 'user:u_1',
          action: 'app.secret_rotated',
          target: 'app:app_1',
          data: { name: 'Timekeeper', grace_seconds: 3600, scopes: ['users.read'], changes: { name: 1 } },
          createdAt: app.createdAt,
        },
        {
          id: 'ev_2',
          companyId: 'co_1',
          actor: 'cli',
          action: 'some.future_action',
          target: null,
          data: {},
          createdAt: app.createdAt,
        },
      ],
      actors: new Map([['user:u_1', 'ada@acme.test']]),
      action: 'app.created',
      target: '',
      next: 'cursor-1',
    }),
    'auditLogPage (empty)': auditLogPage({
      ctx: consoleCtx(ui, 'member'),
      events: [],
      actors: new Map(),
      action: '',
      target: 'app:app_1',
      next: null,
    }),
    webhooksPage: webhooksPage(consoleCtx(ui, 'admin'), [endpoint]),
    'webhooksPage (member, empty)': webhooksPage(consoleCtx(ui, 'member'), []),
    webhookNewPage: webhookNewPage(
      consoleCtx(ui, 'admin'),
      { url: 'https://hooks.acme.test/gatehouse', events: ['*', 'app.updated'], description: 'Payroll sync' },
      {
        url: { key: 'webhook.invalid.url_https' },
        events: {
          key: 'webhook.invalid.unknown_event',
          vars: { event: 'app.updated', known: 'app.deleted' },
        },
        description: { key: 'webhook.invalid.description' },
      },
    ),
    webhookSecretPage: webhookSecretPage(consoleCtx(ui, 'admin'), endpoint, 'gh_secret_1'),
    webhookDetailPage: webhookDetailPage(consoleCtx(ui, 'admin'), endpoint, [
      {
        delivery: {
          id: 'dl_1',
          eventType: 'app.updated',
          status: 'failed',
          lastError: 'HTTP 502 from hooks.acme.test',
          createdAt: app.createdAt,
        } as never,
        attempts: [
          { attemptedAt: app.createdAt, statusCode: 502, error: null, durationMs: 12 } as never,
          { attemptedAt: app.createdAt, statusCode: null, error: null, durationMs: 30 } as never,
        ],
      },
      {
        delivery: {
          id: 'dl_1',
          eventType: 'app.deleted',
          status: 'pending',
          lastError: null,
          createdAt: later,
        } as never,
        attempts: [],
      },
    ]),
    'webhookDetailPage (member, empty)': webhookDetailPage(consoleCtx(ui, 'member'), endpoint, []),
    appCreatePage: appCreatePage({
      ctx: consoleCtx(ui, 'admin'),
      draft: { ...EMPTY_DRAFT, name: 'Timekeeper', scopes: ['time_clock.read', 'shifts'] },
      errors: {
        name: { key: 'app_form.invalid.name' },
        logo: { key: 'app_form.invalid.logo_again' },
        redirectUris: 'redirect URI "http://x" must not contain user information',
        tokenTtl: { key: 'app_form.invalid.token_ttl', vars: { min: 60, max: 86_400 } },
        scopes: { key: 'app_form.invalid.no_scopes' },
        form: { key: 'app_form.invalid.redirect_https', vars: { uri: 'ftp://x' } },
      },
      features: [
        {
          name: 'time_clock',
          label: 'Time Clock',
          labels: { en: 'Time Clock', de: 'Zeiterfassung' },
          permissions: ['read', 'write'],
        },
      ],
      plain: [{ name: 'shifts', description: 'Read your users', descriptions: { de: 'Schichten lesen' } }],
    }),
    appEditPage: appEditPage({
      ctx: consoleCtx(ui, 'admin'),
      app: {
        ...app,
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwksUri: 'https://keys.example/jwks',
      } as App,
      draft: draftOf({
        ...app,
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwksUri: 'https://keys.example/jwks',
      } as App),
      errors: {
        name: { key: 'app_form.invalid.name' },
        jwks: { key: 'app_form.invalid.jwks_json' },
        jwksUri: { key: 'app_form.invalid.jwks_both' },
        tokenEndpointAuthMethod: { key: 'app_form.invalid.jwks_needed' },
        signingAlg: 'redirect URI "http://x" must not contain user information',
        somethingNew: 'redirect URI "http://x" must not contain user information',
      },
    }),
    'appEditPage (internal, browser, auto consent)': appEditPage({
      ctx: consoleCtx(ui, 'admin'),
      app: { ...app, type: 'internal', grantTypes: ['authorization_code'], autoConsent: true } as App,
      draft: draftOf({
        ...app,
        type: 'internal',
        grantTypes: ['authorization_code'],
        autoConsent: true,
      } as App),
      errors: { autoConsent: { key: 'app_form.invalid.auto_consent' } },
    }),
    'appEditPage (internal, public, no logo)': appEditPage({
      ctx: consoleCtx(ui, 'admin'),
      app: {
        ...app,
        type: 'internal',
        grantTypes: ['client_credentials'],
        clientType: 'public',
        logoUrl: null,
      } as App,
      draft: draftOf({
        ...app,
        type: 'internal',
        grantTypes: ['client_credentials'],
        clientType: 'public',
      } as App),
      errors: {},
    }),
    membersPage: membersPage(
      consoleCtx(ui, 'admin'),
      [
        { user: { ...user, passwordHash: 'x' } as User, role: 'admin', joinedAt: app.createdAt },
        {
          user: { ...user, id: 'u_2', email: 'bo@acme.test', name: 'Bo', passwordHash: null } as User,
          role: 'member',
          joinedAt: app.createdAt,
          invitation: { id: 'inv_1', expiresAt: later } as never,
        },
        {
          user: { ...user, id: 'u_3', email: 'bo@acme.test', name: 'Bo', passwordHash: null } as User,
          role: 'member',
          joinedAt: app.createdAt,
          invitation: { id: 'inv_2', expiresAt: app.createdAt } as never,
        },
        {
          user: { ...user, id: 'u_4', name: 'Bo', disabledAt: app.createdAt } as User,
          role: 'member',
          joinedAt: app.createdAt,
        },
        {
          user: { ...user, id: 'u_5', name: 'Bo', passwordHash: null } as User,
          role: 'member',
          joinedAt: app.createdAt,
        },
      ],
      {
        notice: { key: 'members.done.added' },
        error: { key: 'members.error.already_member', vars: { email: 'bo@acme.test', company: 'Acme Ltd' } },
        add: { email: 'bo@acme.test', role: 'admin' },
        invite: { email: 'bo@acme.test', name: 'Bo', role: 'member' },
      },
    ),
    'membersPage (member)': membersPage(consoleCtx(ui, 'member'), [
      { user, role: 'admin', joinedAt: app.createdAt },
    ]),
    invitationLinkPage: invitationLinkPage(
      consoleCtx(ui, 'admin'),
      { ...user, email: 'bo@acme.test' } as User,
      'https://gatehouse.example/invitations/abc',
      later,
    ),
    'invitationLinkPage (mailed)': invitationLinkPage(
      consoleCtx(ui, 'admin'),
      { ...user, email: 'bo@acme.test' } as User,
      'https://gatehouse.example/invitations/abc',
      later,
      true,
    ),
    deletePage: deletePage(
      consoleCtx(ui, 'admin'),
      'apps',
      ui.t.t('app.delete'),
      html`${ui.t.t('app.read_only')}`,
      '/console/c/co_1/apps/app_1',
      ui.t.t('app.delete'),
    ),
    confirmPage: confirmPage({
      ctx: consoleCtx(ui, 'admin'),
      section: 'apps',
      title: ui.t.t('app.rotate'),
      message: html`${ui.t.t('secret.once')}`,
      action: '/x',
      submit: ui.t.t('app.rotate'),
      cancel: '/y',
      extra: graceSelect(ui.t),
    }),
  };
}

/**
 * The text a person reads or hears (the attributes browsers show or speak, and the text of
 * the page, tags taken out), less every catalog message and every piece of data: what is
 * left was written by a page itself.
 */
function strays(page: string): string[] {
  const texts: string[] = [];
  for (const m of page.matchAll(
    /\s(?:alt|title|aria-label|placeholder|data-copied|data-copy-failed)="([^"]*)"/g,
  ))
    texts.push(m[1] as string);
  texts.push(
    page
      .replace(/<!doctype html>/i, '')
      .replace(/<(script|style)\b[\s\S]*?<\/\1>/g, '')
      .replace(/<[^>]*>/g, ' '),
  );
  return texts.map(leftover).filter((s) => s !== '');
}

/** Dates on the pages are data too, formatted by Intl (the pseudo-locale formats like en). */
const DATES = [app.createdAt, later].map((d) => new Translator().date(d));

function leftover(text: string): string {
  let rest = text
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"');
  // Innermost first: a message may hold another (a count inside a sentence).
  for (let prev = ''; prev !== rest; ) {
    prev = rest;
    rest = rest.replace(/⟦[^⟦⟧]*⟧/g, ' ');
  }
  for (const d of [...DATES, ...DATA]) rest = rest.replaceAll(d, ' ');
  return rest.replace(/[^A-Za-z]+/g, ' ').trim();
}

describe('no page string is missing from the catalogs', () => {
  const ui = pseudoUi();
  const pages = renderAll(ui);

  for (const [name, page] of Object.entries(pages))
    test(name, () => {
      assert.match(page, /<html lang="en-XA" dir="rtl">/);
      assert.deepEqual(strays(page), [], `${name} shows text that is not from a catalog`);
    });

  test('the scan sees a hard-coded string (it can fail)', () => {
    const bad = messagePage(ui, { title: ui.t.t('flow.failed_title'), message: 'Something went wrong' });
    assert.deepEqual(strays(bad), ['Something went wrong']);
    const badAttr = html`<button aria-label="Close">${ui.t.t('frame.copy')}</button>`.value;
    assert.deepEqual(strays(badAttr), ['Close']);
  });

  test('every page function of src/pages and of the translated console pages is rendered above', async () => {
    const rendered = new Set(Object.keys(pages).map((n) => n.split(' ')[0]));
    const pagesDir = new URL('../../src/pages/', import.meta.url);
    const consoleDir = new URL('../../src/console/pages/', import.meta.url);
    const files = [
      ...readdirSync(pagesDir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => new URL(f, pagesDir)),
      ...TRANSLATED_CONSOLE_PAGES.map((f) => new URL(f, consoleDir)),
    ];
    for (const file of files) {
      const mod = (await import(file.href)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod))
        if (typeof value === 'function' && /Page$/.test(name))
          assert.ok(rendered.has(name), `${file} exports ${name}, which this test does not render`);
    }
  });
});

describe('scope descriptions in the page locale', () => {
  const E = '8ed17dce-9eca-4383-a9e1-54f82c362b6d';
  const scopes = ['openid', 'view:user', 'time_clock.write', `target-entity:${E}:employees-read`, 'odd'];
  const lines = (tag: string) => {
    const locale = LOCALES.find((l) => l.tag === tag);
    assert.ok(locale);
    return describeScopes(scopes, DEFAULT_SCOPE_CATALOG, new Translator(locale)).map((s) => s.description);
  };

  test('German: the built-in catalog in German, feature verbs from the catalogs', () => {
    assert.deepEqual(lines('de'), [
      'Bestätigen, wer Sie sind (Ihre Benutzer-ID)',
      'Benutzerprofile ansehen',
      'Zeiterfassung anlegen und ändern',
      `Für Einheit ${E}: Mitarbeitende lesen`,
      'odd',
    ]);
  });

  test('English: as before', () => {
    assert.deepEqual(lines('en'), [
      'Confirm who you are (your user id)',
      'View user profiles',
      'Create and update time clock',
      `For entity ${E}: read employees`,
      'odd',
    ]);
  });
});
