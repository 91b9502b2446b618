import type { Generated } from 'kysely';

/**
 * Table shapes as stored. Portable choices across SQLite and PostgreSQL: timestamps are
 * epoch milliseconds in BIGINT, lists are JSON text or space-separated scopes, booleans
 * are 0/1 integers, ids are text.
 */
export interface Database {
  companies: {
    id: string;
    name: string;
    plan: string;
    created_at: number;
    /** The SaaS company's own id, unique (migration 011). */
    external_id: Generated<string | null>;
  };
  users: {
    id: string;
    email: string;
    email_lower: string;
    name: string;
    password_hash: string | null;
    created_at: number;
    /** The SaaS company's own id, unique (migration 011). */
    external_id: Generated<string | null>;
    disabled_at: Generated<number | null>;
    /** When the address was verified; null while it is not (migration 016). */
    email_verified_at: Generated<number | null>;
  };
  memberships: { user_id: string; company_id: string; role: string; created_at: number };
  apps: {
    id: string;
    client_id: string;
    company_id: string;
    name: string;
    logo_url: string | null;
    type: string;
    client_type: string;
    grant_types: string;
    scopes: string;
    redirect_uris: string;
    token_ttl: number;
    signing_alg: string;
    token_format: string;
    grant_delivery: string;
    created_at: number;
    last_used_at: number | null;
    scope_policy: string;
    skip_consent: Generated<number>;
    /** Migration 017. */
    auto_consent: Generated<number>;
    refresh_idle_ttl: Generated<number>;
    refresh_absolute_ttl: Generated<number>;
    /** Seconds; null: the server's GATEHOUSE_REFRESH_REUSE_WINDOW (migration 009). */
    refresh_reuse_window: number | null;
    /** RFC 7591 `token_endpoint_auth_method` (migration 018). */
    token_endpoint_auth_method: Generated<string>;
    /** The app's public keys as a JWK Set (JSON text), for private_key_jwt (migration 018). */
    jwks: Generated<string | null>;
    jwks_uri: Generated<string | null>;
    require_pushed_authorization_requests: Generated<number>;
    /** 0/1: the token endpoint requires a DPoP proof (migration 019). */
    dpop_bound_access_tokens: Generated<number>;
    /** 0/1: DPoP proofs must carry a server nonce (migration 019). */
    use_dpop_nonce: Generated<number>;
    /** JSON array of URIs (migration 023). */
    post_logout_redirect_uris: Generated<string>;
    backchannel_logout_uri: Generated<string | null>;
    /** The token-exchange policy as JSON text; null: the app does not exchange (migration 026). */
    token_exchange: Generated<string | null>;
    /** The initial access token it was registered with; null when made by hand (migration 024). */
    initial_access_token_id: Generated<string | null>;
    /** SHA-256 of its RFC 7592 registration access token; null when made by hand (migration 024). */
    registration_token_hash: Generated<string | null>;
  };
  app_secrets: {
    id: string;
    app_id: string;
    secret_hash: string;
    last4: string;
    created_at: number;
    expires_at: number | null;
    /** client_secret_jwt only: the secret sealed under the server secret (migration 018). */
    secret_sealed: Generated<string | null>;
  };
  client_assertion_jtis: { client_id: string; jti: string; expires_at: number };
  device_authorizations: {
    id: string;
    device_code_hash: string;
    user_code_hash: string;
    app_id: string;
    client_id: string;
    /** JSON array of scopes. */
    scopes: string;
    interval_seconds: number;
    status: string;
    session_hash: string | null;
    company_id: string | null;
    code_hash: string | null;
    last_polled_at: number | null;
    created_at: number;
    expires_at: number;
  };
  pushed_authorization_requests: {
    request_uri_hash: string;
    client_id: string;
    /** The pushed authorization request's parameters, a JSON object of strings. */
    params: string;
    expires_at: number;
  };
  grants: {
    id: string;
    guid: string;
    app_id: string;
    company_id: string;
    scopes: string;
    granted_by: string | null;
    created_at: number;
    updated_at: number;
    revoked_at: number | null;
    last_used_at: number | null;
  };
  signing_keys: {
    kid: string;
    alg: string;
    public_jwk: string;
    private_jwk_encrypted: string;
    status: string;
    created_at: number;
    activates_at: number | null;
    retired_at: number | null;
  };
  leases: { name: string; holder: string; expires_at: number };
  audit_events: {
    id: string;
    seq: Generated<number>;
    company_id: string | null;
    actor: string;
    action: string;
    target: string | null;
    data: string;
    created_at: number;
    /** Set on every row of a company when it is deleted (migration 011). */
    company_deleted_at: Generated<number | null>;
  };
  invalidations: { seq: Generated<number>; key: string; created_at: number };
  webhook_endpoints: {
    id: string;
    company_id: string;
    app_id: string | null;
    url: string;
    events: string;
    description: string;
    secret_encrypted: string;
    secret_last4: string;
    created_at: number;
    disabled_at: number | null;
  };
  webhook_deliveries: {
    id: string;
    endpoint_id: string;
    company_id: string;
    event_type: string;
    payload: string;
    status: string;
    attempts: number;
    next_attempt_at: number;
    locked_until: number | null;
    last_error: string | null;
    created_at: number;
    delivered_at: number | null;
  };
  webhook_attempts: {
    id: string;
    delivery_id: string;
    attempted_at: number;
    status_code: number | null;
    error: string | null;
    duration_ms: number;
  };
  revocations: {
    seq: Generated<number>;
    kind: string;
    key_hash: string;
    expires_at: number;
    created_at: number;
  };
  sessions: {
    id_hash: string;
    user_id: string | null;
    auth_time: number | null;
    created_at: number;
    expires_at: number;
    /** The public session id (`sid` claim), set at sign-in (migration 023). */
    sid: Generated<string | null>;
  };
  authorization_flows: {
    id: string;
    session_hash: string;
    app_id: string;
    request: string;
    company_id: string | null;
    grant_guid: string | null;
    created_at: number;
    expires_at: number;
  };
  authorization_codes: {
    code_hash: string;
    app_id: string;
    user_id: string;
    company_id: string;
    grant_id: string;
    redirect_uri: string | null;
    redirect_uri_given: number;
    scopes: string;
    nonce: string | null;
    code_challenge: string | null;
    auth_time: number;
    created_at: number;
    expires_at: number;
    consumed_at: number | null;
    family_id: string | null;
    /** Migration 023. */
    sid: Generated<string | null>;
  };
  token_families: {
    id: string;
    app_id: string;
    user_id: string;
    company_id: string;
    grant_id: string;
    created_at: number;
    expires_at: number;
    revoked_at: number | null;
    /** JWK thumbprint the family's refresh tokens are bound to (public clients, migration 019). */
    dpop_jkt: Generated<string | null>;
  };
  refresh_tokens: {
    token_hash: string;
    family_id: string;
    scopes: string;
    created_at: number;
    expires_at: number;
    rotated_at: number | null;
    /** What stands in a rotated token's place (migration 009). */
    successor_hash: Generated<string | null>;
  };
  issued_access_tokens: { jti: string; family_id: string; expires_at: number };
  revoked_access_tokens: { jti: string; expires_at: number; revoked_at: number };
  opaque_access_tokens: {
    token_hash: string;
    jti: string;
    app_id: string;
    client_id: string;
    subject: string;
    scopes: string;
    company_id: string | null;
    grant_id: string | null;
    family_id: string | null;
    issued_at: number;
    expires_at: number;
    /** JWK thumbprint of a DPoP-bound token (migration 019). */
    dpop_jkt: Generated<string | null>;
    /** The resource it was narrowed to; null: the default audience (migration 019). */
    audience: Generated<string | null>;
    /** The `act` claim (RFC 8693 4.1) of a token issued by an exchange, JSON text (migration 026). */
    act: Generated<string | null>;
  };
  /** DPoP proofs used at the token endpoint, by SHA-256 of thumbprint and jti (migration 019). */
  dpop_proofs: { proof_hash: string; expires_at: number };
  app_logos: {
    id: string;
    company_id: string;
    content_type: string;
    bytes: Uint8Array;
    sha256: string;
    width: number;
    height: number;
    created_at: number;
  };
  admin_keys: ApiKeyTable & { company_id: string };
  invitations: {
    id: string;
    token_hash: string;
    company_id: string;
    user_id: string;
    role: string;
    created_by: string;
    created_at: number;
    expires_at: number;
    accepted_at: number | null;
  };
  /** E-mailed links: password resets and address verifications (migration 021). */
  email_tokens: {
    id: string;
    token_hash: string;
    purpose: string;
    user_id: string;
    email: string;
    created_at: number;
    expires_at: number;
    used_at: number | null;
  };
  operator_keys: ApiKeyTable;
  /** RFC 7591 initial access tokens (migration 024); the limits are JSON arrays or null. */
  initial_access_tokens: {
    id: string;
    company_id: string;
    name: string;
    token_hash: string;
    last4: string;
    allowed_grant_types: string | null;
    allowed_scopes: string | null;
    redirect_uri_patterns: string | null;
    max_apps: number | null;
    uses: Generated<number>;
    expires_at: number | null;
    created_by: string;
    created_at: number;
    revoked_at: number | null;
  };
  idempotency_keys: {
    company_id: string;
    caller: string;
    key_hash: string;
    fingerprint: string;
    lease_id: string;
    /** Set while the first request is in flight; null once it has answered. */
    lease_expires_at: number | null;
    status: number | null;
    /** The answer (headers and body), sealed; null while in flight. */
    response: string | null;
    created_at: number;
    expires_at: number;
  };
  /** Migration 014: people linked to an upstream OpenID Connect account. */
  external_identities: { issuer: string; subject: string; user_id: string; created_at: number };
  /** Migration 014: upstream sign-ins sent and not yet back. */
  upstream_sign_ins: {
    state_hash: string;
    session_hash: string;
    upstream_id: string;
    flow_id: string | null;
    return_to: string | null;
    nonce: string;
    code_verifier: string;
    max_age: number | null;
    created_at: number;
    expires_at: number;
  };
  /** Migration 017: login requests delegated to the SaaS company's login application. */
  login_requests: {
    challenge_hash: string;
    session_hash: string;
    flow_id: string | null;
    return_to: string | null;
    session_user_id: string | null;
    status: string;
    user_id: string | null;
    error: string | null;
    error_description: string | null;
    verifier_hash: string | null;
    created_at: number;
    expires_at: number;
  };
  /** Migration 023: the apps issued an ID token in a session (back-channel logout). */
  session_apps: {
    sid: string;
    app_id: string;
    user_id: string;
    created_at: number;
    expires_at: number;
  };
  /** Migration 023: logout tokens to deliver, leased and retried like webhook_deliveries. */
  backchannel_logouts: {
    id: string;
    app_id: string;
    subject: string;
    sid: string;
    status: string;
    attempts: Generated<number>;
    next_attempt_at: number;
    locked_until: number | null;
    last_error: string | null;
    created_at: number;
    delivered_at: number | null;
  };
}

/** The columns every API key table has (admin keys add their company). */
export interface ApiKeyTable {
  id: string;
  name: string;
  key_hash: string;
  last4: string;
  created_by: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}
