import type { ScopeGrammar } from '@gatehouse/scopes';
import { extractAccessToken } from './bearer.ts';
import type { AccessTokenClaims } from './claims.ts';
import { ResourceServerError } from './errors.ts';
import type { ResolvedGrant } from './grants.ts';
import { assertEntityPermission, assertScopes, DEFAULT_SCOPE_GRAMMAR, effectiveScope } from './scopes.ts';
import type { Verifier } from './verifier.ts';

/** What a handler learns about an authenticated request. */
export interface AuthContext {
  /**
   * The token's verified claims, except that `scope` is the effective scope (the same array
   * as {@link AuthContext.scope}): a handler that reads `claims.scope` can never act on a
   * scope the company did not approve.
   */
  claims: AccessTokenClaims;
  /**
   * What this request may do: the token's scope, narrowed to the grant's approved scope
   * when `x-company-guid` named one. Every requirement is checked against this.
   */
  scope: string[];
  /** The scope the token itself carries (for diagnostics; never decide access on it). */
  tokenScope: string[];
  /**
   * The company whose data the request reaches: the token's `company_id`, or the company of
   * the grant `x-company-guid` names. Undefined for a partner token sent without one.
   */
  company: { id: string } | undefined;
  /** The company grant `x-company-guid` named, when the request carried one. */
  grant: ResolvedGrant | undefined;
}

/** The request headers authentication reads. */
export interface AuthHeaders {
  authorization: string | readonly string[] | undefined | null;
  companyGuid: string | readonly string[] | undefined | null;
  /** The `DPoP` header: the proof that comes with `Authorization: DPoP` (RFC 9449 7.1). */
  dpop?: string | readonly string[] | undefined | null;
  /** The request's method, which a DPoP proof's `htm` must name. */
  method?: string;
  /** The request's absolute URI as the client called it, which a DPoP proof's `htu` must name. */
  url?: string;
}

function single(value: string | readonly string[] | undefined | null, name: string): string | undefined {
  if (Array.isArray(value)) {
    if (value.length > 1) throw new ResourceServerError('request_invalid', `the ${name} header is repeated`);
    return single(value[0], name);
  }
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  if (v === '') throw new ResourceServerError('request_invalid', `the ${name} header is empty`);
  return v;
}

/**
 * The token's claims once it verified and, for a DPoP-bound token (`cnf.jkt`), its proof too.
 * A bound token sent as Bearer is refused (it would be a bearer token again in a thief's
 * hands), as is an unbound one sent with the DPoP scheme. Refusals of a DPoP request or a
 * bound token challenge with `WWW-Authenticate: DPoP`.
 */
async function verifiedClaims(verifier: Verifier, headers: AuthHeaders) {
  const { scheme, token } = extractAccessToken(headers.authorization);
  try {
    const claims = await verifier.verify(token);
    const jkt = claims.cnf?.jkt;
    if (scheme === 'Bearer') {
      if (jkt === undefined) return { token, claims };
      throw new ResourceServerError(
        'token_binding_mismatch',
        'this access token is DPoP-bound: send it as "Authorization: DPoP <token>" with a DPoP proof',
      );
    }
    if (jkt === undefined)
      throw new ResourceServerError(
        'token_binding_mismatch',
        'this access token is not DPoP-bound: send it as "Authorization: Bearer <token>"',
      );
    const proof = single(headers.dpop, 'DPoP');
    if (proof === undefined)
      throw new ResourceServerError(
        'dpop_proof_invalid',
        'a DPoP-bound token needs a DPoP proof (the DPoP header)',
      );
    if (headers.method === undefined || headers.url === undefined)
      throw new Error('DPoP needs the request method and URL: this adapter did not pass them');
    await verifier.verifyDpopProof(proof, { method: headers.method, url: headers.url, token, jkt });
    return { token, claims };
  } catch (err) {
    if (err instanceof ResourceServerError && (scheme === 'DPoP' || err.code === 'token_binding_mismatch'))
      err.scheme = 'DPoP';
    throw err;
  }
}

/**
 * Verifies the access token (Bearer, or DPoP with its proof) and, when `x-company-guid` is sent, resolves the company grant it
 * names: the grant must be active and belong to the token's app. A token bound to a company
 * (`company_id`) may only name a grant of that same company. What the request may then do
 * is the token's scope intersected with the scope the company approved in that grant: an
 * app's token carries every scope of the app, a company may have approved fewer.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7
 */
export async function authenticate(
  verifier: Verifier,
  headers: AuthHeaders,
  g: ScopeGrammar = DEFAULT_SCOPE_GRAMMAR,
): Promise<AuthContext> {
  const { token, claims } = await verifiedClaims(verifier, headers);
  const guid = single(headers.companyGuid, 'x-company-guid');
  if (guid === undefined)
    return {
      claims,
      scope: claims.scope,
      tokenScope: claims.scope,
      company: claims.company_id ? { id: claims.company_id } : undefined,
      grant: undefined,
    };
  const grant = await verifier.resolveGrant(token, claims, guid);
  if (claims.company_id !== undefined && claims.company_id !== grant.company_id)
    throw new ResourceServerError(
      'company_mismatch',
      'x-company-guid names another company than the one this token is bound to',
    );
  const scope = effectiveScope(claims.scope, grant.scope, g);
  // A copy: the verifier caches the claims object and shares it between requests.
  return {
    claims: { ...claims, scope },
    scope,
    tokenScope: claims.scope,
    company: { id: grant.company_id },
    grant,
  };
}

/** What a route needs beyond a valid token. Every adapter takes the same shape. */
export interface Requirements<R> {
  /**
   * Scopes the request must hold in its effective scope (the token's, narrowed to the grant's
   * when x-company-guid names one); parameterized ones compare per entity and permission.
   */
  scopes?: readonly string[];
  /** The request must reach a company: the token's own, or one named with x-company-guid. */
  company?: boolean;
  /** A permission on an entity, held through a parameterized scope (`target-entity:<id>:<p>`). */
  entity?: {
    id: string | ((request: R, auth: AuthContext) => string | undefined);
    permission: string;
    template?: string;
  };
}

/** Throws the first unmet requirement as a ResourceServerError. */
export function checkRequirements<R>(
  auth: AuthContext,
  request: R,
  req: Requirements<R>,
  g?: ScopeGrammar,
): void {
  if (req.scopes && req.scopes.length > 0) assertScopes(auth, req.scopes, g);
  if (req.company && auth.company === undefined)
    throw new ResourceServerError(
      'company_required',
      'this token is not bound to a company: name one with the x-company-guid header',
    );
  if (req.entity) {
    const id = typeof req.entity.id === 'function' ? req.entity.id(request, auth) : req.entity.id;
    if (id === undefined || id === '')
      throw new ResourceServerError('request_invalid', 'the request names no entity');
    assertEntityPermission(
      auth,
      id,
      req.entity.permission,
      req.entity.template !== undefined ? { template: req.entity.template } : {},
    );
  }
}

/** An RFC 6750 error as status, headers and JSON body, for any framework to send. */
export function errorResponse(
  error: ResourceServerError,
  realm: string,
  /** The `algs` of a DPoP challenge, space-separated (the verifier's `dpopAlgorithms`). */
  dpopAlgs?: string,
): { status: number; headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = {
    'cache-control': 'no-store',
    'content-type': 'application/json; charset=utf-8',
  };
  const challenge = error.wwwAuthenticate(realm, dpopAlgs);
  if (challenge !== undefined) headers['www-authenticate'] = challenge;
  if (error.status === 503) headers['retry-after'] = '5';
  return { status: error.status, headers, body: JSON.stringify(error.toJSON()) };
}
