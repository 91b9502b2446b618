import { base64url, errors, type FlattenedJWSInput, type JWSHeaderParameters } from 'jose';
import { ResourceServerError } from './errors.ts';

const TYP = new Set(['at+jwt', 'application/at+jwt']);
const decoder = new TextDecoder();

function malformed(cause?: unknown): ResourceServerError {
  return new ResourceServerError(
    'token_malformed',
    'the access token is not a well-formed JWT',
    [],
    cause === undefined ? undefined : { cause },
  );
}

/** The header's `typ` must say access token (RFC 9068 section 4). */
export function checkTyp(header: JWSHeaderParameters): void {
  if (typeof header.typ !== 'string' || !TYP.has(header.typ.toLowerCase()))
    throw new ResourceServerError(
      'token_type_invalid',
      'the token is not an access token (typ must be at+jwt)',
    );
}

/**
 * Cheap checks on the unverified header and claims, made inside the key lookup jose calls
 * (after it parsed the header and checked `alg` against the allow-list, before any key is
 * fetched): a token for another issuer, or one that is not an access token, must not make
 * us fetch or refetch the JWKS. The signature, `typ`, `iss`, `aud` and times are all checked
 * again by jose once a key is found.
 */
export function checkBeforeKeys(header: JWSHeaderParameters, jws: FlattenedJWSInput, issuer: string): void {
  checkTyp(header);
  let iss: unknown;
  try {
    if (typeof jws.payload !== 'string') throw new Error('not a compact JWS payload');
    const claims: unknown = JSON.parse(decoder.decode(base64url.decode(jws.payload)));
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
      throw new Error('the payload is not a JSON object');
    iss = (claims as { iss?: unknown }).iss;
  } catch (cause) {
    throw malformed(cause);
  }
  if (iss !== issuer)
    throw new ResourceServerError(
      'token_issuer_mismatch',
      'the token was issued by another authorization server',
    );
}

/** Maps jose's errors to stable ResourceServerError codes. */
export function translate(err: unknown): ResourceServerError {
  if (err instanceof ResourceServerError) return err;
  if (err instanceof errors.JWTExpired)
    return new ResourceServerError('token_expired', 'the access token has expired', [], { cause: err });
  if (err instanceof errors.JWTClaimValidationFailed) {
    const byClaim: Record<string, ResourceServerError> = {
      iss: new ResourceServerError(
        'token_issuer_mismatch',
        'the token was issued by another authorization server',
      ),
      aud: new ResourceServerError('token_audience_mismatch', 'the token is not meant for this API'),
      typ: new ResourceServerError(
        'token_type_invalid',
        'the token is not an access token (typ must be at+jwt)',
      ),
      nbf: new ResourceServerError('token_not_yet_valid', 'the access token is not valid yet'),
      iat: new ResourceServerError('token_not_yet_valid', 'the access token was issued in the future'),
    };
    return (
      byClaim[err.claim] ??
      new ResourceServerError('token_claims_invalid', `the "${err.claim}" claim is missing or invalid`, [], {
        cause: err,
      })
    );
  }
  if (err instanceof errors.JOSEAlgNotAllowed)
    return new ResourceServerError('token_algorithm_not_allowed', "the token's algorithm is not accepted");
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys)
    return new ResourceServerError(
      'token_key_unknown',
      'the token was signed with a key this API does not know',
    );
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return new ResourceServerError('token_signature_invalid', 'the token signature is invalid');
  if (
    err instanceof errors.JWSInvalid ||
    err instanceof errors.JWTInvalid ||
    err instanceof errors.JOSENotSupported
  )
    return new ResourceServerError('token_malformed', 'the access token is not a well-formed JWT', [], {
      cause: err,
    });
  return new ResourceServerError('jwks_unavailable', 'the signing keys could not be fetched', [], {
    cause: err,
  });
}
