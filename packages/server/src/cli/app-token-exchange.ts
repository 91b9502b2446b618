import type { App } from '../apps/app-service.ts';
import {
  ACTOR_TOKEN_RULES,
  TOKEN_EXCHANGE_GRANT_TYPE,
  type TokenExchangePolicy,
} from '../apps/token-exchange-settings.ts';
import { choiceOpt, listOpt, UsageError, type Values } from './command.ts';

/** The flags `app create` and `app update` share for token exchange (docs/flows/token-exchange.md). */
export const tokenExchangeHelp: Array<[string, string]> = [
  [
    '--exchange-resource URI',
    'repeatable; token exchange (RFC 8693): a catalog resource the app may exchange tokens for (gives the app the token-exchange grant type; on update, the whole policy is replaced)',
  ],
  [
    '--exchange-subject-client ID',
    'repeatable; only subject tokens issued to these client_ids (default: any client)',
  ],
  ['--exchange-actor-token RULE', `${ACTOR_TOKEN_RULES.join(', ')} (default allowed)`],
  ['--token-exchange off', 'update only: take the policy and the grant type away'],
];

/** `app create`'s options (a new app has no policy to turn off). */
export const tokenExchangeCreateOptions = {
  'exchange-resource': { type: 'string', multiple: true },
  'exchange-subject-client': { type: 'string', multiple: true },
  'exchange-actor-token': { type: 'string' },
} as const;

/** `app update`'s options. */
export const tokenExchangeOptions = {
  ...tokenExchangeCreateOptions,
  'token-exchange': { type: 'string' },
} as const;

/** The policy the flags ask for: a policy, null (`--token-exchange off`), or undefined (unchanged). */
export function tokenExchangeFlags(values: Values): TokenExchangePolicy | null | undefined {
  const resources = listOpt(values, 'exchange-resource');
  const subjects = listOpt(values, 'exchange-subject-client');
  const actorToken = choiceOpt(values, 'exchange-actor-token', ACTOR_TOKEN_RULES);
  const off = choiceOpt(values, 'token-exchange', ['off'] as const);
  if (off !== undefined) {
    if (resources || subjects || actorToken)
      throw new UsageError('--token-exchange off takes no --exchange-* option');
    return null;
  }
  if (!resources) {
    if (subjects || actorToken) throw new UsageError('--exchange-* options need --exchange-resource');
    return undefined;
  }
  return {
    allowedResources: resources,
    allowedSubjectClients: subjects ?? null,
    actorToken: actorToken ?? 'allowed',
  };
}

/** Creation: a policy brings its grant type along, as a PATCH of the policy does. */
export function withExchangeGrant(
  grantTypes: string[] | undefined,
  policy: TokenExchangePolicy | null | undefined,
) {
  if (!policy) return grantTypes;
  const base = grantTypes ?? ['client_credentials'];
  return base.includes(TOKEN_EXCHANGE_GRANT_TYPE) ? base : [...base, TOKEN_EXCHANGE_GRANT_TYPE];
}

/** The summary line of an app's policy. */
export function tokenExchangeLine(app: Pick<App, 'tokenExchange'>): [string, string] {
  const p = app.tokenExchange;
  if (!p) return ['Token exchange', 'off'];
  return [
    'Token exchange',
    [
      `for ${p.allowedResources.join(' ')}`,
      `subject tokens of ${p.allowedSubjectClients?.join(' ') ?? 'any client'}`,
      `actor token ${p.actorToken}`,
    ].join('; '),
  ];
}
