import { sql } from 'kysely';
import { MAX_ACCESS_TOKEN_TTL_MS, revocationHash } from '../../tokens/revocation-keys.ts';
import type { AppEdit, AppUpdate, NewApp, NewAppSecret } from '../app-store.ts';
import type { MutationOptions } from '../common.ts';
import type { Database } from '../schema.ts';
import type { AppWithSecrets, AuditEventInput, DomainEventInput } from '../types.ts';
import { toApp, toSecret } from './mappers.ts';
import { grantRevocations, insertRevocations } from './revocations.ts';
import { type Db, insertAudit, invalidate } from './tx.ts';
import { enqueueEvents } from './webhooks.ts';

export async function insertApp(db: Db, app: NewApp, secret: NewAppSecret | null, audit?: AuditEventInput) {
  const now = Date.now();
  await db
    .insertInto('apps')
    .values({
      ...editableColumns(app),
      id: app.id,
      client_id: app.clientId,
      company_id: app.companyId,
      type: app.type,
      client_type: app.clientType,
      scopes: app.scopes.join(' '),
      created_at: now,
      last_used_at: null,
      scope_policy: app.scopePolicy,
      refresh_idle_ttl: app.refreshIdleTtl,
      refresh_absolute_ttl: app.refreshAbsoluteTtl,
      refresh_reuse_window: app.refreshReuseWindow,
    })
    .execute();
  if (secret) await insertSecret(db, app.id, secret, now);
  // A node may hold a negative cache entry for this client_id.
  await invalidate(db, [`client:${app.clientId}`], now);
  if (audit) await insertAudit(db, audit, now);
}

/** A new live secret (stored as its hash) for the app. */
function insertSecret(db: Db, appId: string, secret: NewAppSecret, now: number) {
  return db
    .insertInto('app_secrets')
    .values({
      id: secret.id,
      app_id: appId,
      secret_hash: secret.secretHash,
      last4: secret.last4,
      created_at: now,
      expires_at: null,
      secret_sealed: secret.secretSealed ?? null,
    })
    .execute();
}

/** Loads an app row (optionally scoped to a company) with its secrets still valid at `now`. */
export async function selectAppWithSecrets(
  db: Db,
  where: { clientId?: string; appId?: string; companyId?: string },
  now = Date.now(),
): Promise<AppWithSecrets | undefined> {
  let q = db.selectFrom('apps').selectAll();
  if (where.clientId !== undefined) q = q.where('client_id', '=', where.clientId);
  if (where.appId !== undefined) q = q.where('id', '=', where.appId);
  if (where.companyId !== undefined) q = q.where('company_id', '=', where.companyId);
  const row = await q.executeTakeFirst();
  if (!row) return undefined;
  // A public client has no secret. A row that earlier versions created for one (a secret that
  // never authenticated anything) is neither shown nor used.
  if (row.client_type === 'public') return { ...toApp(row), secrets: [] };
  const secrets = await db
    .selectFrom('app_secrets')
    .selectAll()
    .where('app_id', '=', row.id)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('created_at', 'desc')
    .execute();
  return { ...toApp(row), secrets: secrets.map(toSecret) };
}

type EditColumns = Pick<
  Database['apps'],
  | 'name'
  | 'logo_url'
  | 'redirect_uris'
  | 'token_ttl'
  | 'signing_alg'
  | 'token_format'
  | 'grant_delivery'
  | 'grant_types'
> & {
  skip_consent: number;
  token_endpoint_auth_method: string;
  jwks: string | null;
  jwks_uri: string | null;
  require_pushed_authorization_requests: number;
  dpop_bound_access_tokens: number;
  use_dpop_nonce: number;
  auto_consent: number;
  post_logout_redirect_uris: string;
  backchannel_logout_uri: string | null;
  token_exchange: string | null;
};

/** The columns of the fields an app may change after creation, as stored (every one for a new app). */
function editableColumns(a: Required<AppEdit>): EditColumns;
function editableColumns(a: AppEdit): Partial<EditColumns>;
function editableColumns(a: AppEdit): Partial<EditColumns> {
  const row: Partial<EditColumns> = {};
  if (a.name !== undefined) row.name = a.name;
  if (a.logoUrl !== undefined) row.logo_url = a.logoUrl;
  if (a.redirectUris !== undefined) row.redirect_uris = JSON.stringify(a.redirectUris);
  if (a.tokenTtl !== undefined) row.token_ttl = a.tokenTtl;
  if (a.signingAlg !== undefined) row.signing_alg = a.signingAlg;
  if (a.tokenFormat !== undefined) row.token_format = a.tokenFormat;
  if (a.grantDelivery !== undefined) row.grant_delivery = a.grantDelivery;
  if (a.grantTypes !== undefined) row.grant_types = JSON.stringify(a.grantTypes);
  if (a.skipConsent !== undefined) row.skip_consent = a.skipConsent ? 1 : 0;
  if (a.tokenEndpointAuthMethod !== undefined) row.token_endpoint_auth_method = a.tokenEndpointAuthMethod;
  if (a.jwks !== undefined) row.jwks = a.jwks === null ? null : JSON.stringify(a.jwks);
  if (a.jwksUri !== undefined) row.jwks_uri = a.jwksUri;
  if (a.requirePushedAuthorizationRequests !== undefined)
    row.require_pushed_authorization_requests = a.requirePushedAuthorizationRequests ? 1 : 0;
  if (a.dpopBoundAccessTokens !== undefined) row.dpop_bound_access_tokens = a.dpopBoundAccessTokens ? 1 : 0;
  if (a.useDpopNonce !== undefined) row.use_dpop_nonce = a.useDpopNonce ? 1 : 0;
  if (a.autoConsent !== undefined) row.auto_consent = a.autoConsent ? 1 : 0;
  if (a.postLogoutRedirectUris !== undefined)
    row.post_logout_redirect_uris = JSON.stringify(a.postLogoutRedirectUris);
  if (a.backchannelLogoutUri !== undefined) row.backchannel_logout_uri = a.backchannelLogoutUri;
  if (a.tokenExchange !== undefined)
    row.token_exchange = a.tokenExchange === null ? null : JSON.stringify(a.tokenExchange);
  return row;
}

/** The app's id and client_id when it is the company's. */
function ownedApp(db: Db, companyId: string, appId: string) {
  return db
    .selectFrom('apps')
    .select(['id', 'client_id'])
    .where('id', '=', appId)
    .where('company_id', '=', companyId)
    .executeTakeFirst();
}

/** AppStore.updateApp, in the caller's transaction: a compare-and-set on the `expected` fields. */
export async function updateApp(
  db: Db,
  companyId: string,
  appId: string,
  expected: AppEdit,
  edit: AppEdit,
  opts: MutationOptions,
): Promise<AppUpdate> {
  const app = await ownedApp(db, companyId, appId);
  if (!app) return undefined;
  const now = Date.now();
  let update = db.updateTable('apps').set(editableColumns(edit)).where('id', '=', appId);
  for (const [column, value] of Object.entries(editableColumns(expected)) as [keyof EditColumns, unknown][])
    update =
      value === null ? update.where(column, 'is', null) : update.where(column, '=', value as string | number);
  const { numUpdatedRows } = await update.executeTakeFirst();
  if (Number(numUpdatedRows) === 0) return 'changed';
  await invalidate(db, [`client:${app.client_id}`], now);
  if (opts.audit) await insertAudit(db, opts.audit, now);
  await enqueueEvents(db, opts.events, now);
  return selectAppWithSecrets(db, { appId }, now);
}

export async function rotateSecret(
  db: Db,
  companyId: string,
  appId: string,
  secret: NewAppSecret,
  graceUntil: Date,
  audit?: AuditEventInput,
  events?: DomainEventInput[],
): Promise<AppWithSecrets | undefined> {
  const app = await ownedApp(db, companyId, appId);
  if (!app) return undefined;
  const now = Date.now();
  const until = Math.max(now, graceUntil.getTime());
  await db
    .updateTable('app_secrets')
    .set({ expires_at: until })
    .where('app_id', '=', appId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', until)]))
    .execute();
  await insertSecret(db, appId, secret, now);
  await invalidate(db, [`client:${app.client_id}`], now);
  if (audit) await insertAudit(db, audit, now);
  await enqueueEvents(db, events, now);
  return selectAppWithSecrets(db, { appId }, now);
}

export async function removeApp(
  db: Db,
  companyId: string,
  appId: string,
  audit?: AuditEventInput,
  events?: DomainEventInput[],
) {
  const app = await ownedApp(db, companyId, appId);
  if (!app) return false;
  const now = Date.now();
  const grants = await db
    .selectFrom('grants')
    .select(['id', 'guid'])
    .where('app_id', '=', appId)
    .where('revoked_at', 'is', null)
    .execute();
  await db.deleteFrom('app_secrets').where('app_id', '=', appId).execute();
  await db.deleteFrom('grants').where('app_id', '=', appId).execute();
  await db.deleteFrom('apps').where('id', '=', appId).execute();
  // Every token of the app dies with it, on every resource server following the feed.
  await insertRevocations(
    db,
    [
      {
        kind: 'client',
        hash: revocationHash('client', app.client_id),
        expiresAt: new Date(now + MAX_ACCESS_TOKEN_TTL_MS),
      },
      ...grants.flatMap((g) => grantRevocations(g.id, g.guid, now)),
    ],
    now,
  );
  await invalidate(db, [`client:${app.client_id}`, ...grants.map((g) => `grant:${g.guid}`)], now);
  if (audit) await insertAudit(db, audit, now);
  await enqueueEvents(db, events, now);
  return true;
}

/** Apps per UPDATE in touchApps: 2 parameters each, well under SQLite's and pg's limits. */
const TOUCH_CHUNK = 1000;

/**
 * Stamps last_used_at on many apps with one `UPDATE apps ... FROM (VALUES (id, ms), ...)`
 * per 1,000 apps, a join on the primary key that both dialects run (SQLite 3.33+ names
 * the VALUES columns column1, column2 as PostgreSQL does). One statement per app made a
 * flush of 10,000 busy apps block the event loop for about a second on SQLite (bench:
 * scale_client_credentials); this is 10 statements. The CAST keeps PostgreSQL from typing
 * the parameters as text.
 */
export async function touchApps(db: Db, stamps: ReadonlyMap<string, Date>): Promise<void> {
  await touch(db, 'apps', stamps);
}

/** The same batched stamp for grants (Connected Apps shows when each was last used). */
export async function touchGrants(db: Db, stamps: ReadonlyMap<string, Date>): Promise<void> {
  await touch(db, 'grants', stamps);
}

async function touch(db: Db, table: 'apps' | 'grants', stamps: ReadonlyMap<string, Date>): Promise<void> {
  const entries = [...stamps];
  for (let i = 0; i < entries.length; i += TOUCH_CHUNK) {
    const rows = sql.join(
      entries.slice(i, i + TOUCH_CHUNK).map(([id, at]) => sql`(${id}, CAST(${at.getTime()} AS BIGINT))`),
    );
    const t = sql.table(table);
    await sql`UPDATE ${t} SET last_used_at = v.column2 FROM (VALUES ${rows}) AS v WHERE ${t}.id = v.column1`.execute(
      db,
    );
  }
}
