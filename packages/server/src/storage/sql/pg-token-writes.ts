import { type RawBuilder, type Selectable, sql } from 'kysely';
import type {
  CodeMatch,
  ConsumeCodeResult,
  FamilyIssue,
  RotateRefreshResult,
  TokenFamily,
} from '../authorization-types.ts';
import type { Database } from '../schema.ts';
import type { RotateRefreshOptions } from '../token-store.ts';
import { familyRow, type NewFamily, notConsumed, selectRefresh, toCode, toFamily } from './tokens.ts';
import type { Db } from './tx.ts';

/**
 * The token endpoint's two writes on PostgreSQL, each one statement: one round trip instead of
 * a transaction of six to eight (BEGIN, each write, COMMIT). On a busy machine every round trip
 * wakes a backend process and then the event loop again, and that, more than the work itself,
 * was what put these paths behind an in-memory peer (docs/benchmarks.md).
 *
 * A statement is atomic by itself, and the data-modifying parts of one WITH run in one
 * snapshot, each taking its row locks as a separate UPDATE would: the guarantees are those of
 * the transactional versions in tokens.ts and refresh-rotation.ts, which SQLite keeps using
 * (there a round trip is a function call). Foreign keys between the parts are checked at the
 * end of the statement, when every row exists.
 *
 * Parameters carry casts: in `INSERT ... SELECT $1` PostgreSQL would type a bare parameter
 * as text before it sees the column it goes into.
 */

/**
 * consumeCode (tokens.ts) in one statement: the code's conditional UPDATE is the arbiter, and
 * the family, its access token's jti and its refresh token are inserted from the row it
 * returns, so nothing is written unless this caller consumed the code. The code's grant is
 * held FOR SHARE: a revocation of it (an UPDATE of the row) waits for this statement and then
 * finds the family, or came first and this one consumes nothing (PostgreSQL re-checks
 * `revoked_at` after the wait).
 */
export async function consumeCodeAtOnce(
  db: Db,
  codeHash: string,
  family: NewFamily,
  now: number,
  issue?: FamilyIssue,
  match?: CodeMatch,
): Promise<ConsumeCodeResult> {
  const matching = match
    ? sql` and app_id = ${match.appId}::text and expires_at > ${now}::bigint and ${
        match.redirectUri === null
          ? sql`redirect_uri_given = 0`
          : sql`redirect_uri = ${match.redirectUri}::text`
      } and ${
        match.codeChallenge === null
          ? sql`code_challenge is null`
          : sql`code_challenge = ${match.codeChallenge}::text`
      }`
    : sql``;
  const parts: RawBuilder<unknown>[] = [
    sql`g as (
      select id from grants
      where id = (select grant_id from authorization_codes where code_hash = ${codeHash}::text)
        and revoked_at is null
      for share)`,
    sql`c as (
      update authorization_codes set consumed_at = ${now}::bigint, family_id = ${family.id}::text
      where code_hash = ${codeHash}::text and consumed_at is null and exists (select 1 from g)${matching}
      returning *)`,
    sql`f as (
      insert into token_families (id, app_id, user_id, company_id, grant_id, created_at, expires_at, revoked_at, dpop_jkt)
      select ${family.id}::text, app_id, user_id, company_id, grant_id, ${now}::bigint,
        ${family.expiresAt.getTime()}::bigint, null, ${family.dpopJkt ?? null}::text
      from c
      returning id)`,
  ];
  if (issue) {
    parts.push(sql`i as (
      insert into issued_access_tokens (jti, family_id, expires_at)
      select ${issue.accessToken.jti}::text, id, ${issue.accessToken.expiresAt.getTime()}::bigint from f)`);
    if (issue.refreshToken)
      parts.push(sql`r as (
        insert into refresh_tokens (token_hash, family_id, scopes, created_at, expires_at, rotated_at)
        select ${issue.refreshToken.tokenHash}::text, f.id, c.scopes, ${now}::bigint,
          ${issue.refreshToken.expiresAt.getTime()}::bigint, null
        from f cross join c)`);
  }
  const { rows } = await sql<
    Selectable<Database['authorization_codes']>
  >`with ${sql.join(parts)} select * from c`.execute(db);
  const updated = rows[0];
  if (!updated) return match ? { status: 'unmatched' } : notConsumed(db, codeHash);
  const code = toCode(updated);
  return { status: 'consumed', code, family: toFamily(familyRow(code, family, now)) };
}

/**
 * The usual refresh rotation in one statement, or undefined when this one cannot decide it.
 *
 * It reads the token with its family and grant (no transaction, no lock), and goes on only
 * when the answer is the common one: the caller's, accepted, an active grant, a current,
 * unexpired token in an unrevoked, unexpired family. Then one statement takes the family's
 * row (FOR NO KEY UPDATE: a revocation, or another rotation of the family, waits for this
 * statement, and this one re-checks `revoked_at` after waiting on theirs), retires the token
 * only if it is still current, and inserts its successor and the access token's jti from the
 * retirement's row. If anything changed since the read (rotated by a concurrent caller,
 * family revoked), nothing is written and the answer is undefined: the caller then runs the
 * whole transactional rotation (refresh-rotation.ts), which reads everything again under the
 * family's row and tells reuse, retry and revocation apart; so does every uncommon case.
 */
export async function rotateRefreshAtOnce(
  db: Db,
  oldHash: string,
  next: { tokenHash: string; expiresAt: Date | ((family: TokenFamily) => Date) },
  now: number,
  opts: RotateRefreshOptions,
): Promise<RotateRefreshResult | undefined> {
  const found = await selectRefresh(db, oldHash);
  if (!found) return undefined;
  const { token, family } = found;
  if (opts.appId !== undefined && family.appId !== opts.appId) return undefined;
  if (opts.accept && !opts.accept(found)) return undefined;
  if (opts.requireActiveGrant && !found.grant?.active) return undefined;
  if (family.revokedAt !== null || token.rotatedAt !== null) return undefined;
  if (token.expiresAt.getTime() <= now || family.expiresAt.getTime() <= now) return undefined;
  const expiresAt = typeof next.expiresAt === 'function' ? next.expiresAt(family) : next.expiresAt;
  const parts: RawBuilder<unknown>[] = [
    sql`f as (
      select id from token_families
      where id = ${family.id}::text and revoked_at is null
      for no key update)`,
    sql`r as (
      update refresh_tokens set rotated_at = ${now}::bigint, successor_hash = ${next.tokenHash}::text
      where token_hash = ${oldHash}::text and rotated_at is null and exists (select 1 from f)
      returning family_id)`,
    sql`n as (
      insert into refresh_tokens (token_hash, family_id, scopes, created_at, expires_at, rotated_at)
      select ${next.tokenHash}::text, family_id, ${token.scopes.join(' ')}::text, ${now}::bigint,
        ${expiresAt.getTime()}::bigint, null
      from r)`,
  ];
  if (opts.accessToken)
    parts.push(sql`i as (
      insert into issued_access_tokens (jti, family_id, expires_at)
      select ${opts.accessToken.jti}::text, family_id, ${opts.accessToken.expiresAt.getTime()}::bigint from r)`);
  const { rows } = await sql<{
    rotated: number;
  }>`with ${sql.join(parts)} select count(*)::int as rotated from r`.execute(db);
  return rows[0]?.rotated === 1 ? { status: 'rotated', family, previous: token } : undefined;
}
