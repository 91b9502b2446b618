import type { Kysely } from 'kysely';
import { ComposedStorage } from '../compose.ts';
import type { PoolStats } from '../lifecycle.ts';
import type { Database } from '../schema.ts';
import type { StorageSlices } from '../storage.ts';
import { SqlAdminKeyStore } from './admin-key-store.ts';
import { SqlAppLogoStore } from './app-logo-store.ts';
import { SqlAppStore } from './app-store.ts';
import { SqlAssertionReplayStore } from './assertion-replay-store.ts';
import { SqlAuditLog } from './audit-log.ts';
import { SqlAuthorizationStateStore } from './authorization-state-store.ts';
import { connect, type DatabaseTimeouts, type Dialect } from './connect.ts';
import { SqlContext } from './context.ts';
import { SqlDeviceAuthorizationStore } from './device-authorization-store.ts';
import { SqlDirectoryStore } from './directory-store.ts';
import { SqlEmailTokenStore } from './email-token-store.ts';
import { SqlExternalIdentityStore } from './external-identity-store.ts';
import { SqlGrantStore } from './grant-store.ts';
import { SqlHousekeepingStore } from './housekeeping.ts';
import { SqlIdempotencyStore } from './idempotency-store.ts';
import { SqlInvalidationLog } from './invalidation-log.ts';
import { SqlInvitationStore } from './invitation-store.ts';
import { SqlLifecycle } from './lifecycle.ts';
import { SqlLoginRequestStore } from './login-request-store.ts';
import { SqlLogoutStore } from './logout-store.ts';
import { SqlOperatorKeyStore } from './operator-key-store.ts';
import { SqlPushedRequestStore } from './pushed-request-store.ts';
import { SqlRegistrationStore } from './registration-store.ts';
import { SqlRevocationLog } from './revocation-log.ts';
import { SqlSigningKeyStore } from './signing-key-store.ts';
import { SqlTokenStore } from './token-store.ts';
import type { WalCheckpoints } from './wal-checkpoints.ts';
import { SqlWebhookEndpointStore } from './webhook-endpoint-store.ts';
import { SqlWebhookOutbox } from './webhook-outbox.ts';

/** The SQL class of each slice: what SqlStorage is made of (and what the conformance suite covers). */
export const SQL_SLICES = {
  lifecycle: SqlLifecycle,
  directory: SqlDirectoryStore,
  apps: SqlAppStore,
  logos: SqlAppLogoStore,
  grants: SqlGrantStore,
  signingKeys: SqlSigningKeyStore,
  audit: SqlAuditLog,
  webhookEndpoints: SqlWebhookEndpointStore,
  outbox: SqlWebhookOutbox,
  revocations: SqlRevocationLog,
  invalidations: SqlInvalidationLog,
  authorizationState: SqlAuthorizationStateStore,
  tokens: SqlTokenStore,
  adminKeys: SqlAdminKeyStore,
  operatorKeys: SqlOperatorKeyStore,
  idempotency: SqlIdempotencyStore,
  housekeeping: SqlHousekeepingStore,
  externalIdentities: SqlExternalIdentityStore,
  invitations: SqlInvitationStore,
  assertionReplay: SqlAssertionReplayStore,
  pushedRequests: SqlPushedRequestStore,
  loginRequests: SqlLoginRequestStore,
  emailTokens: SqlEmailTokenStore,
  deviceAuthorizations: SqlDeviceAuthorizationStore,
  logout: SqlLogoutStore,
  registrations: SqlRegistrationStore,
} satisfies { [K in keyof StorageSlices]: new (ctx: SqlContext) => StorageSlices[K] };

type SqlSlices = { [K in keyof typeof SQL_SLICES]: InstanceType<(typeof SQL_SLICES)[K]> };

/**
 * Storage for SQLite (better-sqlite3) and PostgreSQL (pg), via Kysely: one class per slice
 * (sql/*-store.ts and friends), each over the one shared SqlContext, joined into one object
 * that implements every slice. `slices` hands out a single slice.
 */
export class SqlStorage extends ComposedStorage {
  readonly slices: SqlSlices;

  constructor(
    readonly db: Kysely<Database>,
    dialect: Dialect,
    poolStats?: () => PoolStats,
    checkpoints?: WalCheckpoints,
  ) {
    const slices = sqlSlices(new SqlContext(db, dialect, poolStats, checkpoints));
    super(slices);
    this.slices = slices;
  }
}

function sqlSlices(ctx: SqlContext): SqlSlices {
  const entries = Object.entries(SQL_SLICES).map(([name, Slice]) => [name, new Slice(ctx)]);
  return Object.fromEntries(entries) as SqlSlices;
}

/**
 * Opens storage for a DATABASE_URL (`postgres://...` or `sqlite:path`). Does not migrate.
 * Without `timeouts`, the defaults apply: no caller waits on the database without a bound.
 */
export function openStorage(
  databaseUrl: string,
  opts: { poolSize?: number; timeouts?: DatabaseTimeouts; preparedStatements?: boolean } = {},
): SqlStorage {
  const { db, dialect, poolStats, checkpoints } = connect(databaseUrl, opts);
  return new SqlStorage(db, dialect, poolStats, checkpoints);
}
