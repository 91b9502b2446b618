import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * Companies, users, memberships, apps and their secrets, grants, signing keys, audit
 * events and the cross-node invalidation log. Written once for both dialects; the only
 * dialect-specific parts are the auto-increment columns and the scope-immutability trigger.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const serial = ctx.dialect === 'postgres' ? 'bigserial' : 'integer';
  const autoinc = <T extends { primaryKey(): T; autoIncrement(): T }>(col: T) =>
    ctx.dialect === 'postgres' ? col.primaryKey() : col.primaryKey().autoIncrement();

  await db.schema
    .createTable('companies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull().defaultTo('enterprise'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_lower', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('memberships')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('memberships_pk', ['user_id', 'company_id'])
    .execute();
  await db.schema.createIndex('memberships_company').on('memberships').column('company_id').execute();

  await db.schema
    .createTable('apps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('logo_url', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('client_type', 'text', (c) => c.notNull())
    .addColumn('grant_types', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('redirect_uris', 'text', (c) => c.notNull())
    .addColumn('token_ttl', 'integer', (c) => c.notNull())
    .addColumn('signing_alg', 'text', (c) => c.notNull())
    .addColumn('token_format', 'text', (c) => c.notNull())
    .addColumn('grant_delivery', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('apps_company').on('apps').columns(['company_id', 'created_at']).execute();

  await db.schema
    .createTable('app_secrets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('last4', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema.createIndex('app_secrets_app').on('app_secrets').column('app_id').execute();

  await db.schema
    .createTable('grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('guid', 'text', (c) => c.notNull().unique())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('granted_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('grants_company').on('grants').columns(['company_id', 'created_at']).execute();
  await db.schema.createIndex('grants_app_company').on('grants').columns(['app_id', 'company_id']).execute();

  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('private_jwk_encrypted', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('seq', serial, (c) => autoinc(c))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('company_id', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_company_seq')
    .on('audit_events')
    .columns(['company_id', 'seq'])
    .execute();

  await db.schema
    .createTable('invalidations')
    .addColumn('seq', serial, (c) => autoinc(c))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  // Scopes are fixed at creation. The storage API has no way to change them; this trigger
  // makes sure no future code path (or hand-written SQL) can either.
  if (ctx.dialect === 'postgres') {
    await sql`
      CREATE FUNCTION gatehouse_apps_scopes_immutable() RETURNS trigger AS $$
      BEGIN
        IF NEW.scopes IS DISTINCT FROM OLD.scopes THEN
          RAISE EXCEPTION 'app scopes cannot be changed after creation';
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`.execute(db);
    await sql`
      CREATE TRIGGER apps_scopes_immutable BEFORE UPDATE ON apps
      FOR EACH ROW EXECUTE FUNCTION gatehouse_apps_scopes_immutable()`.execute(db);
  } else {
    await sql`
      CREATE TRIGGER apps_scopes_immutable BEFORE UPDATE OF scopes ON apps
      WHEN NEW.scopes IS NOT OLD.scopes
      BEGIN SELECT RAISE(ABORT, 'app scopes cannot be changed after creation'); END`.execute(db);
  }
}
