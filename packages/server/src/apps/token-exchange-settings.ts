import type { ScopeModel } from '../oauth/scopes/model.ts';
import { ACTOR_TOKEN_RULES, type ClientType, type TokenExchangePolicy } from '../storage/types.ts';

export { ACTOR_TOKEN_RULES, type ActorTokenRule, type TokenExchangePolicy } from '../storage/types.ts';

/**
 * The grant type of token exchange (RFC 8693 2.1). An app allowed it must have an exchange
 * policy (TokenExchangePolicy), and an app with a policy must be allowed it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.1
 */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** Enough for an internal service calling a handful of downstream APIs; bounded for the cache. */
export const MAX_EXCHANGE_RESOURCES = 20;
export const MAX_EXCHANGE_SUBJECT_CLIENTS = 50;
const CLIENT_ID = /^[\x21-\x7e]{1,100}$/;

const shown = (v: unknown) => JSON.stringify(String(v).slice(0, 100));

/**
 * Checks an app's token-exchange policy (`null`: it does not exchange) against the grant
 * types, the client type and the scope catalog's resources; records problems in `fields`
 * under `tokenExchange` (or `grantTypes`) and returns the policy as stored.
 */
export function validateTokenExchange(
  policy: TokenExchangePolicy | null | undefined,
  grantTypes: readonly string[],
  clientType: ClientType,
  scopeModel: ScopeModel,
  fields: Record<string, string>,
): TokenExchangePolicy | null {
  const exchanges = grantTypes.includes(TOKEN_EXCHANGE_GRANT_TYPE);
  if (exchanges && clientType === 'public') {
    fields.grantTypes = 'a public client cannot use token exchange: it needs a confidential client';
    return null;
  }
  if (policy === undefined || policy === null) {
    if (exchanges)
      fields.tokenExchange =
        'token exchange needs a policy: name the resources this app may exchange tokens for';
    return null;
  }
  if (!exchanges) {
    fields.tokenExchange = `a token-exchange policy is only for apps allowed ${TOKEN_EXCHANGE_GRANT_TYPE}`;
    return null;
  }
  if (typeof policy !== 'object') {
    fields.tokenExchange = 'token exchange policy must be an object';
    return null;
  }
  const known = new Set((scopeModel.catalog.catalog.resources ?? []).map((r) => r.uri));
  const resources = Array.isArray(policy.allowedResources) ? [...new Set(policy.allowedResources)] : [];
  const subjects =
    policy.allowedSubjectClients === null || policy.allowedSubjectClients === undefined
      ? null
      : Array.isArray(policy.allowedSubjectClients)
        ? [...new Set(policy.allowedSubjectClients)]
        : undefined;
  const actorToken = policy.actorToken ?? 'allowed';
  let problem: string | undefined;
  if (resources.length === 0 || resources.length > MAX_EXCHANGE_RESOURCES)
    problem = `token exchange: allowed resources must list 1 to ${MAX_EXCHANGE_RESOURCES} resources`;
  else {
    const unknown = resources.find((r) => typeof r !== 'string' || !known.has(r));
    if (unknown !== undefined)
      problem = `token exchange: ${shown(unknown)} is not a resource of the scope catalog (docs/resource-indicators.md)`;
  }
  if (problem === undefined) {
    if (subjects === undefined) problem = 'token exchange: allowed subject clients must be a list or null';
    else if (subjects !== null) {
      const bad = subjects.find((c) => typeof c !== 'string' || !CLIENT_ID.test(c));
      if (subjects.length === 0 || subjects.length > MAX_EXCHANGE_SUBJECT_CLIENTS)
        problem = `token exchange: allowed subject clients must list 1 to ${MAX_EXCHANGE_SUBJECT_CLIENTS} client_ids, or be null for any`;
      else if (bad !== undefined) problem = `token exchange: ${shown(bad)} is not a client_id`;
    }
  }
  if (problem === undefined && !ACTOR_TOKEN_RULES.includes(actorToken))
    problem = `token exchange: actor token must be one of ${ACTOR_TOKEN_RULES.join(', ')}`;
  if (problem !== undefined) {
    fields.tokenExchange = problem;
    return null;
  }
  return { allowedResources: resources, allowedSubjectClients: subjects ?? null, actorToken };
}

/** A token-exchange policy as the management API, the CLI's `--json` and webhooks show it. */
export interface TokenExchangeWire {
  allowed_resources: string[];
  allowed_subject_clients: string[] | null;
  actor_token: string;
}

export const tokenExchangeJson = (p: TokenExchangePolicy | null): TokenExchangeWire | null =>
  p === null
    ? null
    : {
        allowed_resources: p.allowedResources,
        allowed_subject_clients: p.allowedSubjectClients,
        actor_token: p.actorToken,
      };

/** The policy of a wire body (`null` stays null: no exchange); validation checks it after. */
export const tokenExchangeFromWire = (
  w: { allowed_resources: string[]; allowed_subject_clients?: string[] | null; actor_token?: string } | null,
): TokenExchangePolicy | null =>
  w === null
    ? null
    : {
        allowedResources: w.allowed_resources,
        allowedSubjectClients: w.allowed_subject_clients ?? null,
        actorToken: (w.actor_token ?? 'allowed') as TokenExchangePolicy['actorToken'],
      };
