import type { AdminKeyStore } from './admin-key-store.ts';
import type { AppLogoStore } from './app-logo-store.ts';
import type { AppStore } from './app-store.ts';
import type { AssertionReplayStore } from './assertion-replay-store.ts';
import type { AuditLog } from './audit-log.ts';
import type { AuthorizationStateStore } from './authorization-state-store.ts';
import type { DeviceAuthorizationStore } from './device-authorization-store.ts';
import type { DirectoryStore } from './directory-store.ts';
import type { EmailTokenStore } from './email-token-store.ts';
import type { ExternalIdentityStore } from './external-identity-store.ts';
import type { GrantStore } from './grant-store.ts';
import type { HousekeepingStore } from './housekeeping-store.ts';
import type { IdempotencyStore } from './idempotency-store.ts';
import type { InvalidationLog } from './invalidation-log.ts';
import type { InvitationStore } from './invitation-store.ts';
import type { StorageLifecycle } from './lifecycle.ts';
import type { LoginRequestStore } from './login-request-store.ts';
import type { LogoutStore } from './logout-store.ts';
import type { OperatorKeyStore } from './operator-key-store.ts';
import type { PushedRequestStore } from './pushed-request-store.ts';
import type { RegistrationStore } from './registration-store.ts';
import type { RevocationLog } from './revocation-log.ts';
import type { SigningKeyStore } from './signing-key-store.ts';
import type { TokenStore } from './token-store.ts';
import type { WebhookEndpointStore } from './webhook-endpoint-store.ts';
import type { WebhookOutbox } from './webhook-outbox.ts';

export type { AdminKeyStore } from './admin-key-store.ts';
export type { AppLogoStore } from './app-logo-store.ts';
export type { AppEdit, AppStore, AppUpdate, NewApp, NewAppSecret } from './app-store.ts';
export type { AssertionReplayStore } from './assertion-replay-store.ts';
export type { AuditFilter, AuditLog } from './audit-log.ts';
export type { AuthorizationStateStore } from './authorization-state-store.ts';
export { DuplicateKey, InvalidCursor, type MutationOptions } from './common.ts';
export type {
  DeviceAuthorization,
  DeviceAuthorizationStore,
  DevicePoll,
  NewDeviceAuthorization,
} from './device-authorization-store.ts';
export type {
  CompanyChanges,
  CompanyPageRequest,
  DirectoryStore,
  MembershipChange,
  NewCompany,
  NewUser,
  UserChanges,
  UserPageRequest,
} from './directory-store.ts';
export type { EmailToken, EmailTokenPurpose, EmailTokenStore, NewEmailToken } from './email-token-store.ts';
export type {
  ExternalIdentity,
  ExternalIdentityStore,
  LinkOutcome,
  PendingUpstreamSignIn,
} from './external-identity-store.ts';
export type { GrantPageRequest, GrantStore, NewGrant } from './grant-store.ts';
export type { HousekeepingStore, PruneCounts } from './housekeeping-store.ts';
export type { IdempotencyStore } from './idempotency-store.ts';
export type { InvalidationLog } from './invalidation-log.ts';
export type { Invitation, InvitationStore, NewInvitation } from './invitation-store.ts';
export type { StorageLifecycle } from './lifecycle.ts';
export type {
  LoginAnswer,
  LoginRequest,
  LoginRequestStatus,
  LoginRequestStore,
} from './login-request-store.ts';
export type { BackchannelLogout, EndedSession, LogoutStore } from './logout-store.ts';
export type { OperatorKeyStore } from './operator-key-store.ts';
export type { PushedRequest, PushedRequestStore } from './pushed-request-store.ts';
export type { NewInitialAccessToken, RegistrationStore } from './registration-store.ts';
export type { RevocationLog } from './revocation-log.ts';
export type { SigningKeyStore } from './signing-key-store.ts';
export type { FoundRefreshToken, RotateRefreshOptions, TokenStore } from './token-store.ts';
export type { WebhookEndpointStore } from './webhook-endpoint-store.ts';
export type { AttemptOutcome, DeliveryFilter, WebhookOutbox } from './webhook-outbox.ts';

/**
 * Everything Gatehouse persists, as small slices named for what they hold. A service takes
 * only the slices it uses (`constructor(storage: AppStore & AuditLog)`); the server wires
 * one object that implements them all.
 *
 * Every method that can be scoped to a company takes the company id, so that a tenant can
 * never reach another tenant's rows by id alone. Methods documented as atomic run in one
 * transaction; the audit event and webhook events passed in `MutationOptions` commit (or roll
 * back) with the change. One conformance suite (test/storage/conformance.ts), typed against
 * these interfaces, runs against every dialect and covers every method.
 */
export interface StorageSlices {
  lifecycle: StorageLifecycle;
  directory: DirectoryStore;
  apps: AppStore;
  logos: AppLogoStore;
  grants: GrantStore;
  signingKeys: SigningKeyStore;
  audit: AuditLog;
  webhookEndpoints: WebhookEndpointStore;
  outbox: WebhookOutbox;
  revocations: RevocationLog;
  invalidations: InvalidationLog;
  authorizationState: AuthorizationStateStore;
  tokens: TokenStore;
  adminKeys: AdminKeyStore;
  operatorKeys: OperatorKeyStore;
  idempotency: IdempotencyStore;
  housekeeping: HousekeepingStore;
  externalIdentities: ExternalIdentityStore;
  invitations: InvitationStore;
  assertionReplay: AssertionReplayStore;
  pushedRequests: PushedRequestStore;
  loginRequests: LoginRequestStore;
  emailTokens: EmailTokenStore;
  deviceAuthorizations: DeviceAuthorizationStore;
  logout: LogoutStore;
  registrations: RegistrationStore;
}

/** Every slice at once: what `openStorage` returns and the server passes around. */
export type Storage = StorageLifecycle &
  DirectoryStore &
  AppStore &
  AppLogoStore &
  GrantStore &
  SigningKeyStore &
  AuditLog &
  WebhookEndpointStore &
  WebhookOutbox &
  RevocationLog &
  InvalidationLog &
  AuthorizationStateStore &
  TokenStore &
  AdminKeyStore &
  OperatorKeyStore &
  IdempotencyStore &
  HousekeepingStore &
  ExternalIdentityStore &
  InvitationStore &
  AssertionReplayStore &
  PushedRequestStore &
  LoginRequestStore &
  EmailTokenStore &
  DeviceAuthorizationStore &
  LogoutStore &
  RegistrationStore;
