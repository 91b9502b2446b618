/**
 * Why a request was refused, as a stable code an API can branch on and log. Each code maps
 * to one RFC 6750 error and HTTP status (see {@link ResourceServerError}).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export type ResourceServerErrorCode =
  | 'token_missing'
  | 'token_inactive'
  | 'introspection_unavailable'
  | 'token_malformed'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'token_signature_invalid'
  | 'token_key_unknown'
  | 'token_issuer_mismatch'
  | 'token_audience_mismatch'
  | 'token_type_invalid'
  | 'token_algorithm_not_allowed'
  | 'token_claims_invalid'
  | 'insufficient_scope'
  | 'request_invalid'
  | 'jwks_unavailable'
  | 'token_revoked'
  | 'revocation_unavailable'
  | 'company_required'
  | 'company_mismatch'
  | 'grant_not_found'
  | 'grant_lookup_unavailable'
  /** A DPoP-bound token sent as a bearer token, or a bearer token sent with the DPoP scheme. */
  | 'token_binding_mismatch'
  /** The DPoP proof is missing, malformed, replayed or does not match the request or token. */
  | 'dpop_proof_invalid';

/**
 * The RFC 6750 error codes, plus `temporarily_unavailable` when keys or the revocation feed
 * cannot be reached, and the company errors of `x-company-guid` requests (403s that are
 * not about the token itself, so they carry no Bearer challenge).
 */
export type BearerErrorCode =
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_request'
  | 'invalid_dpop_proof'
  | 'temporarily_unavailable'
  | 'company_required'
  | 'company_mismatch'
  | 'grant_not_found';

const CHALLENGES = new Set<BearerErrorCode>([
  'invalid_token',
  'insufficient_scope',
  'invalid_request',
  'invalid_dpop_proof',
]);

/** The `algs` of a DPoP challenge (RFC 9449 7.1); the verifier's `dpop.algorithms` when set. */
export const DPOP_CHALLENGE_ALGS = 'ES256 EdDSA Ed25519 RS256';

const MAPPING: Record<ResourceServerErrorCode, [number, BearerErrorCode]> = {
  token_missing: [401, 'invalid_token'],
  token_inactive: [401, 'invalid_token'],
  introspection_unavailable: [503, 'temporarily_unavailable'],
  token_malformed: [401, 'invalid_token'],
  token_expired: [401, 'invalid_token'],
  token_not_yet_valid: [401, 'invalid_token'],
  token_signature_invalid: [401, 'invalid_token'],
  token_key_unknown: [401, 'invalid_token'],
  token_issuer_mismatch: [401, 'invalid_token'],
  token_audience_mismatch: [401, 'invalid_token'],
  token_type_invalid: [401, 'invalid_token'],
  token_algorithm_not_allowed: [401, 'invalid_token'],
  token_claims_invalid: [401, 'invalid_token'],
  insufficient_scope: [403, 'insufficient_scope'],
  request_invalid: [400, 'invalid_request'],
  jwks_unavailable: [503, 'temporarily_unavailable'],
  token_revoked: [401, 'invalid_token'],
  revocation_unavailable: [503, 'temporarily_unavailable'],
  company_required: [403, 'company_required'],
  company_mismatch: [403, 'company_mismatch'],
  grant_not_found: [403, 'grant_not_found'],
  grant_lookup_unavailable: [503, 'temporarily_unavailable'],
  token_binding_mismatch: [401, 'invalid_token'],
  dpop_proof_invalid: [401, 'invalid_dpop_proof'],
};

/** The JSON body of an RFC 6750 error response. */
export interface BearerErrorBody {
  error: BearerErrorCode;
  error_description: string;
  /** The scopes the request needed, for `insufficient_scope`. */
  scope?: string;
}

/**
 * A refused request: a token that did not verify, a scope it lacks, or a malformed
 * Authorization header. `status`, `bearerError` and {@link wwwAuthenticate} give the
 * RFC 6750 response; `code` says precisely why, for logs and metrics.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export class ResourceServerError extends Error {
  readonly status: number;
  readonly bearerError: BearerErrorCode;
  /**
   * The authentication scheme of the challenge: `DPoP` when the request used it or the token
   * is DPoP-bound (RFC 9449 7.1), else `Bearer`.
   */
  scheme: 'Bearer' | 'DPoP' = 'Bearer';

  constructor(
    readonly code: ResourceServerErrorCode,
    message: string,
    /** For `insufficient_scope`: the scopes the resource needs. */
    readonly requiredScopes: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ResourceServerError';
    const [status, bearerError] = MAPPING[code];
    this.status = status;
    this.bearerError = bearerError;
  }

  /** The JSON body to send. */
  toJSON(): BearerErrorBody {
    const body: BearerErrorBody = { error: this.bearerError, error_description: this.message };
    if (this.code === 'insufficient_scope') body.scope = this.requiredScopes.join(' ');
    return body;
  }

  /**
   * The `WWW-Authenticate` challenge for this error, or undefined when the status is not a
   * challenge (503: the server, not the client, is at fault; a company error: the token is
   * fine, the company it names is not reachable with it).
   *
   * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
   * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
   */
  wwwAuthenticate(realm?: string, dpopAlgs = DPOP_CHALLENGE_ALGS): string | undefined {
    if (!CHALLENGES.has(this.bearerError)) return undefined;
    const params: string[] = [];
    if (realm !== undefined) params.push(`realm="${quotable(realm)}"`);
    if (this.scheme === 'DPoP') params.push(`algs="${quotable(dpopAlgs)}"`);
    params.push(`error="${this.bearerError}"`, `error_description="${quotable(this.message)}"`);
    if (this.code === 'insufficient_scope') params.push(`scope="${quotable(this.requiredScopes.join(' '))}"`);
    return `${this.scheme} ${params.join(', ')}`;
  }
}

// RFC 6750 section 3: error_description and scope values exclude '"' and '\' (and controls).
function quotable(value: string): string {
  return value.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, "'").slice(0, 300);
}
