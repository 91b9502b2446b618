import {
  DEFAULT_TOKEN_TTL,
  MAX_REFRESH_REUSE_WINDOW,
  MAX_TOKEN_TTL,
  MIN_TOKEN_TTL,
} from '../apps/validation.ts';
import { appJson } from '../apps/wire.ts';
import { SIGNING_ALGS } from '../keys/key-store.ts';
import { clientAuthFlags, clientAuthHelp, clientAuthOptions } from './app-client-auth.ts';
import { logoutFlags, logoutHelp, logoutOptions } from './app-logout.ts';
import { appSummary } from './app-summary.ts';
import {
  tokenExchangeCreateOptions,
  tokenExchangeFlags,
  tokenExchangeHelp,
  withExchangeGrant,
} from './app-token-exchange.ts';
import { onOff, updateCommand } from './app-update.ts';
import {
  CLI_ACTOR,
  type Command,
  choiceOpt,
  intOpt,
  listOpt,
  requiredOpt,
  stringOpt,
  UsageError,
} from './command.ts';
import { SECRET_WARNING, summary, table, when } from './format.ts';

/** Said instead of a secret when a public client is created: it has none. */
const PUBLIC_CLIENT_NOTE =
  'Public client: no client secret. It authenticates with PKCE (code_challenge, S256) at the token endpoint.';

const create: Command = {
  name: 'app create',
  summary: 'Create an OAuth app in a company and print its client secret once',
  usage:
    '--company ID --name NAME --scopes "a b" [--grant-types a,b] [--redirect-uri URI]... [--token-ttl SECONDS] [--alg ES256|RS256|EdDSA] [--token-format jwt|opaque] [--refresh-reuse-window SECONDS] [--auth-method METHOD] [--jwks-file PATH | --jwks-uri URL] [--require-par on|off] [--dpop on|off] [--dpop-nonce on|off] [--post-logout-redirect-uri URI]... [--backchannel-logout-uri URL] [--exchange-resource URI]... [--exchange-subject-client ID]... [--exchange-actor-token RULE]',
  help: [
    ['--company ID', 'the company that owns the app'],
    ['--name NAME', 'display name, 1 to 100 characters'],
    ['--scopes "a b"', 'space-separated, as in OAuth; fixed for the life of the app'],
    ['--grant-types a,b', 'comma-separated (default client_credentials; authorization_code for partner)'],
    ['--redirect-uri URI', 'repeatable; exact-match redirect URIs for authorization_code'],
    [
      '--token-ttl SECONDS',
      `access-token lifetime, ${MIN_TOKEN_TTL} (or GATEHOUSE_MIN_TOKEN_TTL) to ${MAX_TOKEN_TTL} (default ${DEFAULT_TOKEN_TTL})`,
    ],
    ['--alg ALG', `token signing algorithm: ${SIGNING_ALGS.join(', ')} (default ES256)`],
    ['--token-format FORMAT', 'jwt (RFC 9068, default) or opaque (checked by introspection)'],
    ['--type TYPE', 'internal (the company’s own integration, default) or partner'],
    ['--client-type TYPE', 'confidential (has a secret, default) or public (PKCE only)'],
    ['--grant-delivery MODE', 'partner apps: code (default) or company_grant'],
    ['--logo-url URL', 'https logo shown on the consent page'],
    [
      '--refresh-reuse-window SECONDS',
      `0 (off) to ${MAX_REFRESH_REUSE_WINDOW}: how long the refresh token rotated last may be retried (default: GATEHOUSE_REFRESH_REUSE_WINDOW)`,
    ],
    ...clientAuthHelp,
    ...logoutHelp,
    ['--dpop on|off', 'DPoP (RFC 9449) required at the token endpoint (default off)'],
    ['--dpop-nonce on|off', 'DPoP proofs must carry a server nonce (default off)'],
    ...tokenExchangeHelp.filter(([flag]) => flag !== '--token-exchange off'),
  ],
  options: {
    company: { type: 'string' },
    name: { type: 'string' },
    scopes: { type: 'string' },
    'grant-types': { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'token-ttl': { type: 'string' },
    alg: { type: 'string' },
    'token-format': { type: 'string' },
    type: { type: 'string' },
    'client-type': { type: 'string' },
    'grant-delivery': { type: 'string' },
    'logo-url': { type: 'string' },
    'refresh-reuse-window': { type: 'string' },
    ...clientAuthOptions,
    ...logoutOptions,
    dpop: { type: 'string' },
    'dpop-nonce': { type: 'string' },
    ...tokenExchangeCreateOptions,
  },
  example:
    'gatehouse app create --company co_123 --name "Payroll sync" --scopes "users.read time_clock.read"',
  async run(values, _positionals, ctx) {
    const companyId = requiredOpt(values, 'company');
    const name = requiredOpt(values, 'name');
    const scopes = requiredOpt(values, 'scopes').split(/\s+/).filter(Boolean);
    const grantTypes = stringOpt(values, 'grant-types')
      ?.split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    if (grantTypes?.length === 0) throw new UsageError('--grant-types needs at least one grant type');
    // Only the syntax here: the lower bound is the server's (GATEHOUSE_MIN_TOKEN_TTL, default 60),
    // checked by the app service like every other field.
    const tokenTtl = intOpt(values, 'token-ttl', 1, MAX_TOKEN_TTL);
    const signingAlg = choiceOpt(values, 'alg', SIGNING_ALGS);
    const tokenFormat = choiceOpt(values, 'token-format', ['jwt', 'opaque'] as const);
    const type = choiceOpt(values, 'type', ['internal', 'partner'] as const);
    const clientType = choiceOpt(values, 'client-type', ['confidential', 'public'] as const);
    const grantDelivery = choiceOpt(values, 'grant-delivery', ['code', 'company_grant'] as const);
    const redirectUris = listOpt(values, 'redirect-uri');
    const logoUrl = stringOpt(values, 'logo-url');
    const refreshReuseWindow = intOpt(values, 'refresh-reuse-window', 0, MAX_REFRESH_REUSE_WINDOW);
    const dpopBoundAccessTokens = onOff(values, 'dpop');
    const useDpopNonce = onOff(values, 'dpop-nonce');
    const tokenExchange = tokenExchangeFlags(values);
    const allowed = withExchangeGrant(grantTypes, tokenExchange);
    const gh = await ctx.gatehouse();
    const { app, clientSecret } = await gh.apps.create(
      {
        companyId,
        name,
        scopes,
        ...(allowed ? { grantTypes: allowed } : {}),
        ...(redirectUris ? { redirectUris } : {}),
        ...(tokenTtl !== undefined ? { tokenTtl } : {}),
        ...(signingAlg ? { signingAlg } : {}),
        ...(tokenFormat ? { tokenFormat } : {}),
        ...(type ? { type } : {}),
        ...(clientType ? { clientType } : {}),
        ...(grantDelivery ? { grantDelivery } : {}),
        ...(logoUrl !== undefined ? { logoUrl } : {}),
        ...(refreshReuseWindow !== undefined ? { refreshReuseWindow } : {}),
        ...clientAuthFlags(values),
        ...logoutFlags(values),
        ...(dpopBoundAccessTokens !== undefined ? { dpopBoundAccessTokens } : {}),
        ...(useDpopNonce !== undefined ? { useDpopNonce } : {}),
        ...(tokenExchange ? { tokenExchange } : {}),
      },
      CLI_ACTOR,
    );
    if (clientSecret === null)
      return {
        json: appJson(app),
        text: [appSummary(app), '', PUBLIC_CLIENT_NOTE].join('\n'),
      };
    return {
      json: { ...appJson(app), client_secret: clientSecret },
      text: [appSummary(app), '', summary([['Client secret', clientSecret]]), '', SECRET_WARNING].join('\n'),
      warning: SECRET_WARNING,
    };
  },
};

const list: Command = {
  name: 'app list',
  summary: 'List the apps a company owns, newest first',
  usage: '--company ID',
  help: [['--company ID', 'the owning company']],
  options: { company: { type: 'string' } },
  example: 'gatehouse app list --company co_123',
  async run(values, _positionals, ctx) {
    const companyId = requiredOpt(values, 'company');
    const gh = await ctx.gatehouse();
    await gh.companies.getCompany(companyId);
    const apps = await gh.apps.list(companyId);
    return {
      json: { apps: apps.map(appJson) },
      text: table(
        ['ID', 'CLIENT ID', 'NAME', 'TYPE', 'SCOPES', 'LAST USED'],
        apps.map((a) => [a.id, a.clientId, a.name, a.type, a.scopes.join(' '), when(a.lastUsedAt)]),
        'No apps in this company.',
      ),
    };
  },
};

const show: Command = {
  name: 'app show',
  summary: 'Show an app and its live secrets (last four characters only)',
  usage: 'APP_ID|CLIENT_ID',
  help: [],
  options: {},
  positionals: ['APP_ID|CLIENT_ID'],
  example: 'gatehouse app show cl_3x9... --json',
  async run(_values, [appId], ctx) {
    const gh = await ctx.gatehouse();
    // The operator reaches any app by id; every change then goes through the same
    // company-scoped service call the console uses.
    const app = await gh.apps.getForOperator(appId as string);
    const secrets = app.secrets.map(
      (s) =>
        `…${s.last4} created ${s.createdAt.toISOString()}${s.expiresAt ? `, expires ${s.expiresAt.toISOString()}` : ''}`,
    );
    return {
      json: appJson(app),
      text: [
        appSummary(app),
        summary([
          [
            'Secrets',
            app.clientType === 'public'
              ? '(none: public client)'
              : secrets.join('\n               ') || '(none)',
          ],
        ]),
      ].join('\n'),
    };
  },
};

const rotate: Command = {
  name: 'app rotate-secret',
  summary: 'Issue a new client secret (printed once); old ones stop at once or after --grace',
  usage: 'APP_ID|CLIENT_ID [--grace SECONDS]',
  help: [['--grace SECONDS', 'keep the old secret working this long, 0 to 2592000 (default 0)']],
  options: { grace: { type: 'string' } },
  positionals: ['APP_ID|CLIENT_ID'],
  example: 'gatehouse app rotate-secret app_123 --grace 3600',
  async run(values, [appId], ctx) {
    const grace = intOpt(values, 'grace', 0, 30 * 86_400) ?? 0;
    const gh = await ctx.gatehouse();
    const app = await gh.apps.getForOperator(appId as string);
    const { app: rotated, clientSecret } = await gh.apps.rotateSecret(
      app.companyId,
      app.id,
      CLI_ACTOR,
      grace,
    );
    // Older secrets still returned are the ones inside their grace period.
    const graceEnds = rotated.secrets.flatMap((s) => (s.expiresAt ? [s.expiresAt.getTime()] : []));
    const until = graceEnds.length > 0 ? new Date(Math.max(...graceEnds)).toISOString() : null;
    return {
      json: {
        id: rotated.id,
        client_id: rotated.clientId,
        client_secret: clientSecret,
        /** Null when the previous secrets were refused at once. */
        previous_secrets_valid_until: until,
      },
      text: [
        summary([
          ['App', `${rotated.name} (${rotated.id})`],
          ['Client ID', rotated.clientId],
          ['Client secret', clientSecret],
          ['Old secrets', until ? `keep working until ${until}` : 'no longer accepted'],
        ]),
        '',
        SECRET_WARNING,
      ].join('\n'),
      warning: SECRET_WARNING,
    };
  },
};

const remove: Command = {
  name: 'app delete',
  summary: 'Delete an app: its secrets stop working and every grant to it is revoked',
  usage: 'APP_ID|CLIENT_ID',
  help: [],
  options: {},
  positionals: ['APP_ID|CLIENT_ID'],
  example: 'gatehouse app delete app_123',
  async run(_values, [appId], ctx) {
    const gh = await ctx.gatehouse();
    const app = await gh.apps.getForOperator(appId as string);
    await gh.apps.delete(app.companyId, app.id, CLI_ACTOR);
    return {
      json: { deleted: true, id: app.id, client_id: app.clientId, company_id: app.companyId },
      text: `Deleted app ${app.name} (${app.id}); client ${app.clientId} can no longer get tokens.`,
    };
  },
};

export const appCommands: Command[] = [create, list, show, updateCommand, rotate, remove];
