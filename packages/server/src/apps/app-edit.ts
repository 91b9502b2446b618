import { ValidationError } from '../errors.ts';
import { DEVICE_CODE_GRANT } from '../oauth/device-codes.ts';
import type { AppEdit } from '../storage/app-store.ts';
import type {
  App,
  GrantDelivery,
  JwkSet,
  TokenEndpointAuthMethod,
  TokenExchangePolicy,
  TokenFormat,
} from '../storage/types.ts';
import { TOKEN_EXCHANGE_GRANT_TYPE } from './token-exchange-settings.ts';
import type { AppInput } from './validation.ts';

export type { AppEdit } from '../storage/app-store.ts';

/** What the answer to an attempt to change an app's scopes says, wherever it comes from. */
export const SCOPES_FIXED =
  'scopes are fixed when an app is created and can never be changed; create a new app for other scopes';

/**
 * A change to an app, as the management API, the CLI and the console ask for it. Absent
 * fields stay as they are. Applying the same patch twice leaves the app as once (adding a
 * URI already there or removing one that is not changes nothing), so a retry is harmless.
 */
export interface AppPatch {
  name?: string;
  /** Null or empty removes the logo. */
  logoUrl?: string | null;
  /** The whole list; not together with addRedirectUris or removeRedirectUris. */
  redirectUris?: string[];
  addRedirectUris?: string[];
  removeRedirectUris?: string[];
  /** For tokens issued from now on. */
  tokenTtl?: number;
  /** For tokens issued from now on; tokens already out stay valid until they expire. */
  signingAlg?: string;
  /** For tokens issued from now on; tokens already out stay valid until they expire. */
  tokenFormat?: TokenFormat;
  grantDelivery?: GrantDelivery;
  /** Opts the app in to the implicit grant (true) or out of it (false). */
  implicit?: boolean;
  /** Opts the app in to the device authorization grant (RFC 8628) or out of it. */
  deviceCode?: boolean;
  /** Remembered consent: a later authorization within the granted scopes skips the consent page. */
  skipConsent?: boolean;
  /** DPoP required at the token endpoint (docs/dpop.md). */
  dpopBoundAccessTokens?: boolean;
  /** DPoP proofs must carry a server nonce (docs/dpop.md). */
  useDpopNonce?: boolean;
  /** Internal apps only: their own company's admins skip the consent page. */
  autoConsent?: boolean;
  /** Accepted only when it is the set the app has: scopes are fixed (SCOPES_FIXED). */
  scopes?: string[];
  /** The one client authentication method (docs/client-authentication.md). */
  tokenEndpointAuthMethod?: string;
  /** private_key_jwt: the public keys inline (null removes them). */
  jwks?: JwkSet | null;
  /** private_key_jwt: where the public keys are published (null or empty removes it). */
  jwksUri?: string | null;
  /** RFC 9126 6: only pushed authorization requests are accepted for this app. */
  requirePushedAuthorizationRequests?: boolean;
  /** The whole list of post-logout redirect URIs (docs/flows/logout.md). */
  postLogoutRedirectUris?: string[];
  /** Where logout tokens are POSTed; null or empty removes it (docs/flows/logout.md). */
  backchannelLogoutUri?: string | null;
  /**
   * Token exchange (docs/flows/token-exchange.md): a policy allows the app the token-exchange
   * grant type under it; null takes both away.
   */
  tokenExchange?: TokenExchangePolicy | null;
}

/** The editable fields, in the order the audit log and the webhook list them. */
export const EDITABLE_FIELDS = [
  'name',
  'logoUrl',
  'redirectUris',
  'tokenTtl',
  'signingAlg',
  'tokenFormat',
  'grantDelivery',
  'grantTypes',
  'skipConsent',
  'tokenEndpointAuthMethod',
  'jwks',
  'jwksUri',
  'requirePushedAuthorizationRequests',
  'dpopBoundAccessTokens',
  'useDpopNonce',
  'autoConsent',
  'postLogoutRedirectUris',
  'backchannelLogoutUri',
  'tokenExchange',
] as const satisfies readonly (keyof AppEdit)[];
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** The app's editable fields as they are. */
export function editableOf(app: App): Required<AppEdit> {
  const out = {} as Record<EditableField, unknown>;
  for (const f of EDITABLE_FIELDS) out[f] = app[f];
  return out as Required<AppEdit>;
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && new Set([...a, ...b]).size === a.length;

/**
 * The editable fields as the patch leaves them, normalised as creation normalises them
 * (name and logo trimmed, redirect URIs without duplicates). Throws ValidationError for a
 * patch that contradicts itself or tries to change the scopes.
 */
export function applyPatch(app: App, patch: AppPatch): Required<AppEdit> {
  if (patch.scopes !== undefined && !sameSet([...new Set(patch.scopes)], app.scopes))
    throw new ValidationError(SCOPES_FIXED, { scopes: SCOPES_FIXED });
  const next = editableOf(app);
  if (patch.name !== undefined) next.name = patch.name.trim();
  if (patch.logoUrl !== undefined) next.logoUrl = patch.logoUrl ? patch.logoUrl.trim() || null : null;
  const adds = patch.addRedirectUris ?? [];
  const removes = new Set(patch.removeRedirectUris ?? []);
  if (patch.redirectUris !== undefined && (adds.length > 0 || removes.size > 0))
    throw new ValidationError('give the whole list of redirect URIs, or URIs to add and remove, not both', {
      redirectUris: 'not together with URIs to add or remove',
    });
  const uris = patch.redirectUris ?? [...next.redirectUris.filter((u) => !removes.has(u)), ...adds];
  next.redirectUris = [...new Set(uris)];
  if (patch.tokenTtl !== undefined) next.tokenTtl = patch.tokenTtl;
  if (patch.signingAlg !== undefined) next.signingAlg = patch.signingAlg as App['signingAlg'];
  if (patch.tokenFormat !== undefined) next.tokenFormat = patch.tokenFormat;
  if (patch.grantDelivery !== undefined) next.grantDelivery = patch.grantDelivery;
  if (patch.skipConsent !== undefined) next.skipConsent = patch.skipConsent;
  if (patch.tokenEndpointAuthMethod !== undefined)
    next.tokenEndpointAuthMethod = patch.tokenEndpointAuthMethod as TokenEndpointAuthMethod;
  if (patch.jwks !== undefined) next.jwks = patch.jwks;
  if (patch.jwksUri !== undefined) next.jwksUri = patch.jwksUri?.trim() || null;
  if (patch.requirePushedAuthorizationRequests !== undefined)
    next.requirePushedAuthorizationRequests = patch.requirePushedAuthorizationRequests;
  if (patch.dpopBoundAccessTokens !== undefined) next.dpopBoundAccessTokens = patch.dpopBoundAccessTokens;
  if (patch.useDpopNonce !== undefined) next.useDpopNonce = patch.useDpopNonce;
  if (patch.autoConsent !== undefined) next.autoConsent = patch.autoConsent;
  if (patch.postLogoutRedirectUris !== undefined)
    next.postLogoutRedirectUris = [...new Set(patch.postLogoutRedirectUris)];
  if (patch.backchannelLogoutUri !== undefined)
    next.backchannelLogoutUri = patch.backchannelLogoutUri?.trim() || null;
  if (patch.tokenExchange !== undefined) {
    next.tokenExchange = patch.tokenExchange;
    const has = next.grantTypes.includes(TOKEN_EXCHANGE_GRANT_TYPE);
    if (patch.tokenExchange !== null && !has)
      next.grantTypes = [...next.grantTypes, TOKEN_EXCHANGE_GRANT_TYPE];
    if (patch.tokenExchange === null && has)
      next.grantTypes = next.grantTypes.filter((g) => g !== TOKEN_EXCHANGE_GRANT_TYPE);
  }
  if (patch.implicit !== undefined && patch.implicit !== next.grantTypes.includes('implicit'))
    next.grantTypes = patch.implicit
      ? [...next.grantTypes, 'implicit']
      : next.grantTypes.filter((g) => g !== 'implicit');
  if (patch.deviceCode !== undefined && patch.deviceCode !== next.grantTypes.includes(DEVICE_CODE_GRANT))
    next.grantTypes = patch.deviceCode
      ? [...next.grantTypes, DEVICE_CODE_GRANT]
      : next.grantTypes.filter((g) => g !== DEVICE_CODE_GRANT);
  return next;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The fields that differ between the two. */
export function changedFields(before: Required<AppEdit>, after: Required<AppEdit>): EditableField[] {
  return EDITABLE_FIELDS.filter((f) => !same(before[f], after[f]));
}

/** Only the given fields. */
export function pick(edit: Required<AppEdit>, fields: readonly EditableField[]): AppEdit {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = edit[f];
  return out as AppEdit;
}

/** The app with its editable fields replaced, as creation's validation reads it. */
export function asInput(app: App, edit: Required<AppEdit>): AppInput {
  return {
    companyId: app.companyId,
    type: app.type,
    clientType: app.clientType,
    scopes: app.scopes,
    scopePolicy: app.scopePolicy,
    refreshIdleTtl: app.refreshIdleTtl,
    refreshAbsoluteTtl: app.refreshAbsoluteTtl,
    refreshReuseWindow: app.refreshReuseWindow,
    ...edit,
  };
}

const snake = (f: string) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The changes for the audit log and the `app.updated` webhook, by wire field name:
 * `{ redirect_uris: { before: [...], after: [...] } }`.
 */
export function changesJson(
  before: Required<AppEdit>,
  after: Required<AppEdit>,
  fields: readonly EditableField[],
): Record<string, { before: unknown; after: unknown }> {
  const out: Record<string, { before: unknown; after: unknown }> = {};
  for (const f of fields) out[snake(f)] = { before: before[f], after: after[f] };
  return out;
}
