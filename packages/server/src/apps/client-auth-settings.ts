import { createPublicKey } from 'node:crypto';
import {
  type ClientType,
  type JwkSet,
  TOKEN_ENDPOINT_AUTH_METHODS,
  type TokenEndpointAuthMethod,
} from '../storage/types.ts';
import { LOOPBACK_HOSTS } from './redirect-uri-rules.ts';

/** How an app authenticates, as creation and edits take it (docs/client-authentication.md). */
export interface ClientAuthInput {
  tokenEndpointAuthMethod?: string;
  jwks?: JwkSet | null;
  jwksUri?: string | null;
  requirePushedAuthorizationRequests?: boolean;
}

export interface ClientAuthSettings {
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  jwks: JwkSet | null;
  jwksUri: string | null;
  requirePushedAuthorizationRequests: boolean;
}

/** Enough for key rotation (old, new and next key), small enough to keep in every node's cache. */
export const MAX_JWKS_KEYS = 10;
const MAX_JWKS_CHARS = 16_384;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** What is wrong with a registered JWK Set, or undefined when every key is a usable public key. */
export function jwksProblem(jwks: unknown): string | undefined {
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as JwkSet).keys))
    return 'must be a JWK Set: {"keys": [...]}';
  const { keys } = jwks as JwkSet;
  if (keys.length === 0 || keys.length > MAX_JWKS_KEYS) return `must hold 1 to ${MAX_JWKS_KEYS} keys`;
  if (JSON.stringify(jwks).length > MAX_JWKS_CHARS) return `must be at most ${MAX_JWKS_CHARS} characters`;
  for (const [i, key] of keys.entries()) {
    if (typeof key !== 'object' || key === null) return `key ${i} is not a JSON object`;
    if (PRIVATE_MEMBERS.some((m) => m in key))
      return `key ${i} holds private or symmetric key material: register public keys only`;
    if (!['RSA', 'EC', 'OKP'].includes(String(key.kty))) return `key ${i} must have kty RSA, EC or OKP`;
    if (key.use !== undefined && key.use !== 'sig') return `key ${i} has use "${String(key.use)}", not "sig"`;
    try {
      createPublicKey({ key: key as import('node:crypto').JsonWebKey, format: 'jwk' });
    } catch {
      return `key ${i} is not a valid public key`;
    }
  }
  return undefined;
}

function jwksUriProblem(uri: string): string | undefined {
  try {
    const u = new URL(uri);
    if (u.username || u.password) return 'must not carry credentials';
    if (u.hash) return 'must not have a fragment';
    return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname))
      ? undefined
      : 'must be an https URL';
  } catch {
    return 'is not a URL';
  }
}

/**
 * Checks an app's client authentication settings and fills their defaults (`none` for a
 * public client, `client_secret_basic` for a confidential one). Problems go into `fields`
 * under the setting's name, as validateAppInput reports them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-2
 */
export function validateClientAuth(
  input: ClientAuthInput,
  clientType: ClientType,
  fields: Record<string, string>,
): ClientAuthSettings {
  const method = (input.tokenEndpointAuthMethod ??
    (clientType === 'public' ? 'none' : 'client_secret_basic')) as TokenEndpointAuthMethod;
  const jwks = input.jwks ?? null;
  const jwksUri = input.jwksUri?.trim() || null;
  if (!TOKEN_ENDPOINT_AUTH_METHODS.includes(method))
    fields.tokenEndpointAuthMethod = `token endpoint auth method must be one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}`;
  else if (clientType === 'public' && method !== 'none')
    fields.tokenEndpointAuthMethod = 'a public client authenticates with none (it has no secret or keys)';
  else if (clientType === 'confidential' && method === 'none')
    fields.tokenEndpointAuthMethod = 'a confidential client must authenticate: none is for public clients';
  if (jwks !== null) {
    const problem = jwksProblem(jwks);
    if (problem) fields.jwks = `jwks ${problem}`;
  }
  if (jwksUri !== null) {
    const problem = jwksUriProblem(jwksUri);
    if (problem) fields.jwksUri = `jwks_uri ${problem}`;
  }
  // Reported under each field involved, so that an edit of any one of them hears of it.
  if (jwks !== null && jwksUri !== null) {
    fields.jwks = 'give jwks or jwks_uri, not both';
    fields.jwksUri = fields.jwks;
  } else if (method === 'private_key_jwt' && jwks === null && jwksUri === null) {
    fields.tokenEndpointAuthMethod = 'private_key_jwt needs the public keys: give jwks or jwks_uri';
    fields.jwks = fields.tokenEndpointAuthMethod;
    fields.jwksUri = fields.tokenEndpointAuthMethod;
  }
  const requirePar = input.requirePushedAuthorizationRequests ?? false;
  if (typeof requirePar !== 'boolean')
    fields.requirePushedAuthorizationRequests = 'require_pushed_authorization_requests must be true or false';
  return { tokenEndpointAuthMethod: method, jwks, jwksUri, requirePushedAuthorizationRequests: requirePar };
}
