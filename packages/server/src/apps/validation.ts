import { ValidationError } from '../errors.ts';
import { DEVICE_CODE_GRANT } from '../oauth/device-codes.ts';
import { DEFAULT_SCOPE_CATALOG } from '../oauth/scopes/catalog.ts';
import { isScopeToken, ScopeModel } from '../oauth/scopes/index.ts';
import {
  type AppType,
  type ClientType,
  type GrantDelivery,
  type ScopePolicy,
  SIGNING_ALGS,
  type SigningAlg,
  type TokenExchangePolicy,
  type TokenFormat,
} from '../storage/types.ts';
import { type ClientAuthInput, type ClientAuthSettings, validateClientAuth } from './client-auth-settings.ts';
import { type LogoutInput, type LogoutSettings, validateLogoutSettings } from './logout-settings.ts';
import { LOOPBACK_HOSTS, redirectUriProblem } from './redirect-uri-rules.ts';
import { TOKEN_EXCHANGE_GRANT_TYPE, validateTokenExchange } from './token-exchange-settings.ts';

/**
 * The grant types Gatehouse serves out of the box: the built-in handlers of
 * oauth/grants/registry.ts, then implicit (served at the authorization endpoint). An app
 * is validated against the server's registry, which may add custom grants; this list is
 * what validation falls back to without one (the console's draft check, unit tests).
 */
export const GRANT_TYPES = [
  'client_credentials',
  'authorization_code',
  'refresh_token',
  DEVICE_CODE_GRANT,
  TOKEN_EXCHANGE_GRANT_TYPE,
  'implicit',
] as const;

/** The grant types an app may be allowed: those the server serves (oauth/grants/registry.ts). */
export interface ServedGrantTypes {
  readonly appGrantTypes: readonly string[];
}

const BUILT_IN_GRANT_TYPES: ServedGrantTypes = { appGrantTypes: GRANT_TYPES };
export const MIN_TOKEN_TTL = 60;
export const MAX_TOKEN_TTL = 86_400;
export const DEFAULT_TOKEN_TTL = 3600;
export const DEFAULT_REFRESH_IDLE_TTL = 30 * 86_400;
export const DEFAULT_REFRESH_ABSOLUTE_TTL = 90 * 86_400;
/**
 * The refresh reuse window's default (`GATEHOUSE_REFRESH_REUSE_WINDOW`), in seconds: two tabs
 * refreshing at once are milliseconds apart, and a client that lost an answer to a reset
 * connection or a killed node retries within a second or two; 10 s also covers a client-side
 * timeout of a few seconds. Kept short because, within it, a stolen predecessor is answered
 * instead of detected at once (detection then waits for the holder's next refresh;
 * docs/tokens.md). Curity and Hydra ship with theirs off; Cognito allows up to 60 s.
 */
export const DEFAULT_REFRESH_REUSE_WINDOW = 10;
/** Hydra's cap too: longer windows stop being a retry allowance and start hiding a second holder. */
export const MAX_REFRESH_REUSE_WINDOW = 300;
const MAX_REFRESH_TTL = 365 * 86_400;

export interface AppInput extends ClientAuthInput, LogoutInput {
  companyId: string;
  name: string;
  logoUrl?: string | null;
  type?: AppType;
  clientType?: ClientType;
  grantTypes?: string[];
  scopes: string[];
  redirectUris?: string[];
  tokenTtl?: number;
  signingAlg?: string;
  tokenFormat?: TokenFormat;
  grantDelivery?: GrantDelivery;
  /** Default `strict`. */
  scopePolicy?: ScopePolicy;
  skipConsent?: boolean;
  /** Internal apps only (refused for partner apps): their own company's admins skip consent. */
  autoConsent?: boolean;
  refreshIdleTtl?: number;
  refreshAbsoluteTtl?: number;
  /** Seconds, 0 to MAX_REFRESH_REUSE_WINDOW; null or absent: the server's default. */
  refreshReuseWindow?: number | null;
  /** The token endpoint requires a DPoP proof (RFC 9449 5.2). Default false. */
  dpopBoundAccessTokens?: boolean;
  /** DPoP proofs must carry a server nonce (RFC 9449 8). Default false. */
  useDpopNonce?: boolean;
  /** Token exchange (RFC 8693): required with its grant type, refused without. Default null. */
  tokenExchange?: TokenExchangePolicy | null;
}

export type ValidApp = Required<
  Omit<
    AppInput,
    | 'logoUrl'
    | 'signingAlg'
    | 'refreshReuseWindow'
    | 'tokenExchange'
    | keyof ClientAuthInput
    | keyof LogoutInput
  >
> &
  ClientAuthSettings &
  LogoutSettings & {
    logoUrl: string | null;
    refreshReuseWindow: number | null;
    signingAlg: SigningAlg;
    tokenExchange: TokenExchangePolicy | null;
  };

function logoProblem(uri: string): string | undefined {
  if (uri.startsWith('/')) return uri.startsWith('//') ? 'must be https or a path on this server' : undefined;
  try {
    const u = new URL(uri);
    return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname))
      ? undefined
      : 'must be an https URL';
  } catch {
    return 'is not a URL';
  }
}

const DEFAULT_SCOPE_MODEL = new ScopeModel(DEFAULT_SCOPE_CATALOG);

/**
 * An app's scopes: concrete catalog scopes only. `*` and templates are request-time
 * shorthands, never stored; a parameterized scope names its entity and permissions.
 */
function scopesProblem(scopes: string[], model: ScopeModel): string | undefined {
  if (scopes.length === 0) return 'choose at least one scope';
  const bad = scopes.find((s) => !isScopeToken(s));
  if (bad !== undefined) return `"${bad.slice(0, 100)}" is not a valid scope token`;
  if (scopes.includes('*'))
    return '"*" is a request shorthand for every scope an app holds; choose the scopes themselves';
  const unknown = model.catalog.unknown(scopes);
  if (unknown.length > 0) return unknown.map((u) => `"${u.scope.slice(0, 100)}" ${u.problem}`).join('; ');
  return undefined;
}

/**
 * Checks and fills defaults for a new app against the scope catalog in use. Throws
 * ValidationError listing every problem.
 */
export function validateAppInput(
  input: AppInput,
  scopeModel: ScopeModel = DEFAULT_SCOPE_MODEL,
  /** The configured floor for `tokenTtl` (config `minTokenTtlSeconds`). */
  minTokenTtl: number = MIN_TOKEN_TTL,
  /** What the server serves, custom grants included: an app may be allowed nothing else. */
  served: ServedGrantTypes = BUILT_IN_GRANT_TYPES,
): ValidApp {
  const fields: Record<string, string> = {};
  const name = (input.name ?? '').trim();
  if (name.length === 0 || name.length > 100) fields.name = 'display name must be 1 to 100 characters';
  const type = input.type ?? 'internal';
  if (type !== 'internal' && type !== 'partner') fields.type = 'type must be internal or partner';
  const grantTypes = [
    ...new Set(input.grantTypes ?? (type === 'partner' ? ['authorization_code'] : ['client_credentials'])),
  ];
  const known = served.appGrantTypes;
  const unknownGrant = grantTypes.find((g) => typeof g !== 'string' || !known.includes(g));
  if (unknownGrant !== undefined)
    fields.grantTypes = `unknown grant type "${String(unknownGrant).slice(0, 100)}" (known: ${known.join(', ')})`;
  else if (grantTypes.length === 0) fields.grantTypes = 'at least one grant type is required';
  const scopes = scopeModel.normalise(Array.isArray(input.scopes) ? input.scopes : []);
  const scopeProblem = scopesProblem(scopes, scopeModel);
  if (scopeProblem !== undefined) fields.scopes = scopeProblem;
  const scopePolicy = input.scopePolicy ?? 'strict';
  if (scopePolicy !== 'strict' && scopePolicy !== 'narrow')
    fields.scopePolicy = 'scope policy must be strict or narrow';
  const redirectUris = [...new Set(input.redirectUris ?? [])];
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri);
    if (problem) {
      fields.redirectUris = `redirect URI "${uri.slice(0, 100)}" ${problem}`;
      break;
    }
  }
  const tokenTtl = input.tokenTtl ?? DEFAULT_TOKEN_TTL;
  if (!Number.isInteger(tokenTtl) || tokenTtl < minTokenTtl || tokenTtl > MAX_TOKEN_TTL)
    fields.tokenTtl = `token lifetime must be a whole number of seconds from ${minTokenTtl} to ${MAX_TOKEN_TTL}`;
  const signingAlg = (input.signingAlg ?? 'ES256') as SigningAlg;
  if (!SIGNING_ALGS.includes(signingAlg))
    fields.signingAlg = `signing algorithm must be one of ${SIGNING_ALGS.join(', ')}`;
  const tokenFormat = input.tokenFormat ?? 'jwt';
  if (tokenFormat !== 'jwt' && tokenFormat !== 'opaque')
    fields.tokenFormat = 'token format must be jwt or opaque';
  const grantDelivery = input.grantDelivery ?? 'code';
  if (grantDelivery !== 'code' && grantDelivery !== 'company_grant')
    fields.grantDelivery = 'grant delivery must be code or company_grant';
  const clientType = input.clientType ?? 'confidential';
  if (clientType !== 'confidential' && clientType !== 'public')
    fields.clientType = 'client type must be confidential or public';
  if (clientType === 'public' && grantTypes.includes('client_credentials'))
    fields.grantTypes = 'a public client cannot use client_credentials';
  else if (grantDelivery === 'company_grant' && grantTypes.includes(DEVICE_CODE_GRANT))
    fields.grantTypes = 'an app that receives company grants cannot use the device authorization grant';
  const logoUrl = input.logoUrl ? input.logoUrl.trim() : null;
  if (logoUrl) {
    const problem = logoProblem(logoUrl);
    if (problem) fields.logoUrl = `logo URL ${problem}`;
  }
  const skipConsent = input.skipConsent ?? false;
  const dpopBoundAccessTokens = input.dpopBoundAccessTokens ?? false;
  const useDpopNonce = input.useDpopNonce ?? false;
  const autoConsent = input.autoConsent ?? false;
  if (autoConsent && type !== 'internal')
    fields.autoConsent =
      'auto consent is only for internal apps: a partner app always asks the company on the consent page';
  const refreshIdleTtl = input.refreshIdleTtl ?? DEFAULT_REFRESH_IDLE_TTL;
  const refreshAbsoluteTtl = input.refreshAbsoluteTtl ?? DEFAULT_REFRESH_ABSOLUTE_TTL;
  if (
    !Number.isInteger(refreshAbsoluteTtl) ||
    refreshAbsoluteTtl < 3600 ||
    refreshAbsoluteTtl > MAX_REFRESH_TTL
  )
    fields.refreshAbsoluteTtl = 'refresh token absolute lifetime must be 3600 to 31536000 seconds';
  if (!Number.isInteger(refreshIdleTtl) || refreshIdleTtl < 300 || refreshIdleTtl > refreshAbsoluteTtl)
    fields.refreshIdleTtl = 'refresh token idle lifetime must be 300 seconds up to the absolute lifetime';
  const refreshReuseWindow = input.refreshReuseWindow ?? null;
  if (
    refreshReuseWindow !== null &&
    (!Number.isInteger(refreshReuseWindow) ||
      refreshReuseWindow < 0 ||
      refreshReuseWindow > MAX_REFRESH_REUSE_WINDOW)
  )
    fields.refreshReuseWindow = `refresh reuse window must be a whole number of seconds from 0 to ${MAX_REFRESH_REUSE_WINDOW}`;
  const clientAuth = validateClientAuth(input, clientType, fields);
  const logout = validateLogoutSettings(input, fields);
  const tokenExchange = validateTokenExchange(
    input.tokenExchange,
    grantTypes,
    clientType,
    scopeModel,
    fields,
  );
  if (Object.keys(fields).length > 0) {
    throw new ValidationError([...new Set(Object.values(fields))].join('; '), fields);
  }
  return {
    companyId: input.companyId,
    name,
    logoUrl,
    type,
    clientType,
    grantTypes,
    scopes,
    redirectUris,
    tokenTtl,
    signingAlg,
    tokenFormat,
    grantDelivery,
    scopePolicy,
    skipConsent,
    autoConsent,
    refreshIdleTtl,
    refreshAbsoluteTtl,
    refreshReuseWindow,
    ...clientAuth,
    dpopBoundAccessTokens,
    useDpopNonce,
    ...logout,
    tokenExchange,
  };
}
