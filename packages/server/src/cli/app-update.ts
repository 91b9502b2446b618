import type { AppPatch } from '../apps/app-service.ts';
import { MAX_TOKEN_TTL, MIN_TOKEN_TTL } from '../apps/validation.ts';
import { appJson } from '../apps/wire.ts';
import { SIGNING_ALGS } from '../keys/key-store.ts';
import { clientAuthFlags, clientAuthHelp, clientAuthOptions } from './app-client-auth.ts';
import { logoutFlags, logoutHelp, logoutOptions } from './app-logout.ts';
import { appSummary } from './app-summary.ts';
import { tokenExchangeFlags, tokenExchangeHelp, tokenExchangeOptions } from './app-token-exchange.ts';
import {
  CLI_ACTOR,
  type Command,
  choiceOpt,
  intOpt,
  listOpt,
  stringOpt,
  UsageError,
  type Values,
} from './command.ts';

const ON_OFF = ['on', 'off'] as const;

/** `--implicit on|off` as a boolean, or undefined when not given. */
export function onOff(values: Values, name: string): boolean | undefined {
  const v = choiceOpt(values, name, ON_OFF);
  return v === undefined ? undefined : v === 'on';
}

/** The patch the flags ask for; every field is checked by the app service, as at creation. */
function patchOf(values: Values): AppPatch {
  const patch: AppPatch = {};
  const set = <K extends keyof AppPatch>(key: K, v: AppPatch[K] | undefined) => {
    if (v !== undefined) patch[key] = v;
  };
  set('name', stringOpt(values, 'name'));
  const logo = stringOpt(values, 'logo-url');
  set('logoUrl', logo === undefined ? undefined : logo.trim() === '' ? null : logo);
  set('redirectUris', listOpt(values, 'redirect-uri'));
  set('addRedirectUris', listOpt(values, 'add-redirect-uri'));
  set('removeRedirectUris', listOpt(values, 'remove-redirect-uri'));
  // Only the syntax here: the floor is the server's (GATEHOUSE_MIN_TOKEN_TTL), checked by the service.
  set('tokenTtl', intOpt(values, 'token-ttl', 1, MAX_TOKEN_TTL));
  set('signingAlg', choiceOpt(values, 'alg', SIGNING_ALGS));
  set('tokenFormat', choiceOpt(values, 'token-format', ['jwt', 'opaque'] as const));
  set('grantDelivery', choiceOpt(values, 'grant-delivery', ['code', 'company_grant'] as const));
  set('implicit', onOff(values, 'implicit'));
  set('deviceCode', onOff(values, 'device-code'));
  set('skipConsent', onOff(values, 'remembered-consent'));
  set('dpopBoundAccessTokens', onOff(values, 'dpop'));
  set('useDpopNonce', onOff(values, 'dpop-nonce'));
  set('autoConsent', onOff(values, 'auto-consent'));
  set('scopes', stringOpt(values, 'scopes')?.split(/\s+/).filter(Boolean));
  Object.assign(patch, clientAuthFlags(values), logoutFlags(values));
  set('tokenExchange', tokenExchangeFlags(values));
  return patch;
}

export const updateCommand: Command = {
  name: 'app update',
  summary:
    'Change an app: name, logo, redirect URIs, token settings, grant delivery, implicit, remembered consent',
  usage:
    'APP_ID|CLIENT_ID [--name NAME] [--add-redirect-uri URI]... [--remove-redirect-uri URI]... [--redirect-uri URI]... [--logo-url URL] [--token-ttl SECONDS] [--alg ALG] [--token-format jwt|opaque] [--grant-delivery code|company_grant] [--implicit on|off] [--device-code on|off] [--remembered-consent on|off] [--auth-method METHOD] [--jwks-file PATH] [--jwks-uri URL] [--require-par on|off] [--dpop on|off] [--dpop-nonce on|off] [--auto-consent on|off] [--post-logout-redirect-uri URI]... [--backchannel-logout-uri URL] [--exchange-resource URI]... [--exchange-subject-client ID]... [--exchange-actor-token RULE] [--token-exchange off]',
  help: [
    ['--name NAME', 'display name, 1 to 100 characters'],
    [
      '--add-redirect-uri URI',
      'repeatable; adds an exact-match redirect URI (one already there changes nothing)',
    ],
    ['--remove-redirect-uri URI', 'repeatable; removes one (one not there changes nothing)'],
    ['--redirect-uri URI', 'repeatable; replaces the whole list (not with --add/--remove-redirect-uri)'],
    ['--logo-url URL', 'https logo shown on the consent page; "" removes it'],
    [
      '--token-ttl SECONDS',
      `access-token lifetime, ${MIN_TOKEN_TTL} (or GATEHOUSE_MIN_TOKEN_TTL) to ${MAX_TOKEN_TTL}; new tokens only`,
    ],
    ['--alg ALG', `token signing algorithm: ${SIGNING_ALGS.join(', ')}; new tokens only`],
    [
      '--token-format FORMAT',
      'jwt or opaque; new tokens only (tokens already out stay valid until they expire)',
    ],
    ['--grant-delivery MODE', 'partner apps: code or company_grant'],
    ['--implicit on|off', 'opt the app in to (or out of) the implicit grant'],
    ['--device-code on|off', 'opt the app in to (or out of) the device authorization grant (RFC 8628)'],
    ['--remembered-consent on|off', 'a later authorization within the granted scopes skips the consent page'],
    ['--dpop on|off', 'DPoP (RFC 9449) required at the token endpoint: every token is key-bound'],
    ['--dpop-nonce on|off', 'DPoP proofs must carry a server nonce (use_dpop_nonce)'],
    ['--auto-consent on|off', "internal apps only: their own company's admins skip the consent page"],
    ['--scopes "a b"', 'refused unless unchanged: scopes are fixed; create a new app for others'],
    ...clientAuthHelp,
    ...logoutHelp,
    ...tokenExchangeHelp,
  ],
  options: {
    name: { type: 'string' },
    'add-redirect-uri': { type: 'string', multiple: true },
    'remove-redirect-uri': { type: 'string', multiple: true },
    'redirect-uri': { type: 'string', multiple: true },
    'logo-url': { type: 'string' },
    'token-ttl': { type: 'string' },
    alg: { type: 'string' },
    'token-format': { type: 'string' },
    'grant-delivery': { type: 'string' },
    implicit: { type: 'string' },
    'device-code': { type: 'string' },
    'remembered-consent': { type: 'string' },
    dpop: { type: 'string' },
    'dpop-nonce': { type: 'string' },
    'auto-consent': { type: 'string' },
    scopes: { type: 'string' },
    ...clientAuthOptions,
    ...logoutOptions,
    ...tokenExchangeOptions,
  },
  positionals: ['APP_ID|CLIENT_ID'],
  example: 'gatehouse app update cl_3x9... --add-redirect-uri https://partner.example/callback',
  async run(values, [ref], ctx) {
    const patch = patchOf(values);
    if (Object.keys(patch).length === 0) throw new UsageError('nothing to change: give at least one option');
    const gh = await ctx.gatehouse();
    // The operator reaches any app; the change itself is the same company-scoped call the API makes.
    const app = await gh.apps.getForOperator(ref as string);
    const updated = await gh.apps.update(app.companyId, app.id, patch, CLI_ACTOR);
    return { json: appJson(updated), text: appSummary(updated) };
  },
};
