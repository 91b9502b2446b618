import type { Selectable } from 'kysely';
import { MAX_ACCESS_TOKEN_TTL_MS, revocationHash } from '../../tokens/revocation-keys.ts';
import type {
  AuthorizationCode,
  CodeMatch,
  ConsumeCodeResult,
  FamilyIssue,
  RefreshToken,
  RevokedAccessToken,
  TokenFamily,
} from '../authorization-types.ts';
import type { Database } from '../schema.ts';
import { splitScopes } from './mappers.ts';
import { insertRevocations } from './revocations.ts';
import type { Db } from './tx.ts';

const date = (ms: number) => new Date(Number(ms));
const maybeDate = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));

export const toCode = (r: Selectable<Database['authorization_codes']>): AuthorizationCode => ({
  codeHash: r.code_hash,
  appId: r.app_id,
  userId: r.user_id,
  companyId: r.company_id,
  grantId: r.grant_id,
  redirectUri: r.redirect_uri,
  redirectUriGiven: Number(r.redirect_uri_given) === 1,
  scopes: splitScopes(r.scopes),
  nonce: r.nonce,
  codeChallenge: r.code_challenge,
  authTime: date(r.auth_time),
  createdAt: date(r.created_at),
  expiresAt: date(r.expires_at),
  consumedAt: maybeDate(r.consumed_at),
  familyId: r.family_id,
  sid: r.sid ?? null,
});

export const toFamily = (r: Selectable<Database['token_families']>): TokenFamily => ({
  id: r.id,
  appId: r.app_id,
  userId: r.user_id,
  companyId: r.company_id,
  grantId: r.grant_id,
  createdAt: date(r.created_at),
  expiresAt: date(r.expires_at),
  revokedAt: maybeDate(r.revoked_at),
  dpopJkt: r.dpop_jkt,
});

export const toRefresh = (
  r: Omit<Selectable<Database['refresh_tokens']>, 'successor_hash'>,
): RefreshToken => ({
  tokenHash: r.token_hash,
  familyId: r.family_id,
  scopes: splitScopes(r.scopes),
  createdAt: date(r.created_at),
  expiresAt: date(r.expires_at),
  rotatedAt: maybeDate(r.rotated_at),
});

export type NewCode = Omit<AuthorizationCode, 'createdAt' | 'consumedAt' | 'familyId'>;
export type NewFamily = Omit<
  TokenFamily,
  'createdAt' | 'revokedAt' | 'appId' | 'userId' | 'companyId' | 'grantId' | 'dpopJkt'
> & { dpopJkt?: string | null };

export async function insertCode(db: Db, c: NewCode, now = Date.now()): Promise<void> {
  await db
    .insertInto('authorization_codes')
    .values({
      code_hash: c.codeHash,
      app_id: c.appId,
      user_id: c.userId,
      company_id: c.companyId,
      grant_id: c.grantId,
      redirect_uri: c.redirectUri,
      redirect_uri_given: c.redirectUriGiven ? 1 : 0,
      scopes: c.scopes.join(' '),
      nonce: c.nonce,
      code_challenge: c.codeChallenge,
      auth_time: c.authTime.getTime(),
      created_at: now,
      expires_at: c.expiresAt.getTime(),
      consumed_at: null,
      family_id: null,
      sid: c.sid ?? null,
    })
    .execute();
}

export async function selectCode(db: Db, codeHash: string): Promise<AuthorizationCode | undefined> {
  const row = await db
    .selectFrom('authorization_codes')
    .selectAll()
    .where('code_hash', '=', codeHash)
    .executeTakeFirst();
  return row && toCode(row);
}

/**
 * Marks the code consumed, while its grant stands, and creates its token family, with what it
 * issues (`issue`). The conditional UPDATE is the arbiter: of concurrent callers exactly one sees a row change, on
 * SQLite and PostgreSQL (there the second UPDATE waits for the first to commit and re-checks
 * the condition). The winner gets the row back from the UPDATE itself (RETURNING).
 */
export async function consumeCode(
  db: Db,
  codeHash: string,
  family: NewFamily,
  now: number,
  issue?: FamilyIssue,
  match?: CodeMatch,
): Promise<ConsumeCodeResult> {
  let update = db
    .updateTable('authorization_codes')
    .set({ consumed_at: now, family_id: family.id })
    .where('code_hash', '=', codeHash)
    .where('consumed_at', 'is', null);
  if (match) {
    update = update.where('app_id', '=', match.appId).where('expires_at', '>', now);
    update =
      match.redirectUri === null
        ? update.where('redirect_uri_given', '=', 0)
        : update.where('redirect_uri', '=', match.redirectUri);
    update =
      match.codeChallenge === null
        ? update.where('code_challenge', 'is', null)
        : update.where('code_challenge', '=', match.codeChallenge);
  }
  const updated = await update
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('grants')
          .select('grants.id')
          .whereRef('grants.id', '=', 'authorization_codes.grant_id')
          .where('grants.revoked_at', 'is', null),
      ),
    )
    .returningAll()
    .executeTakeFirst();
  if (!updated) return match ? { status: 'unmatched' } : notConsumed(db, codeHash);
  const code = toCode(updated);
  const row = familyRow(code, family, now);
  await db.insertInto('token_families').values(row).execute();
  if (issue) {
    // The family was born in this transaction: not revoked, so neither is its access token.
    await insertIssued(db, family.id, issue.accessToken);
    if (issue.refreshToken)
      await insertRefresh(db, { ...issue.refreshToken, familyId: family.id, scopes: code.scopes }, now);
  }
  return { status: 'consumed', code, family: toFamily(row) };
}

/** The token family a consumed code creates, as its row. */
export function familyRow(code: AuthorizationCode, family: NewFamily, now: number) {
  return {
    id: family.id,
    app_id: code.appId,
    user_id: code.userId,
    company_id: code.companyId,
    grant_id: code.grantId,
    created_at: now,
    expires_at: family.expiresAt.getTime(),
    revoked_at: null,
    dpop_jkt: family.dpopJkt ?? null,
  };
}

/** Why a code's conditional UPDATE changed nothing: used already, its grant revoked, or no such code. */
export async function notConsumed(db: Db, codeHash: string): Promise<ConsumeCodeResult> {
  const code = await selectCode(db, codeHash);
  if (!code) return { status: 'unknown' };
  return code.consumedAt === null ? { status: 'grant-revoked', code } : { status: 'replayed', code };
}

export const insertIssued = (db: Db, familyId: string, t: FamilyIssue['accessToken']) =>
  db
    .insertInto('issued_access_tokens')
    .values({ jti: t.jti, family_id: familyId, expires_at: t.expiresAt.getTime() })
    .execute();

/** Records an access token under its family; born revoked if the family already is. */
export async function recordAccessToken(db: Db, familyId: string, jti: string, expiresAt: Date, now: number) {
  await insertIssued(db, familyId, { jti, expiresAt });
  const fam = await db
    .selectFrom('token_families')
    .select('revoked_at')
    .where('id', '=', familyId)
    .executeTakeFirst();
  if (fam?.revoked_at != null) {
    await db
      .insertInto('revoked_access_tokens')
      .values({ jti, expires_at: expiresAt.getTime(), revoked_at: now })
      .execute();
    await insertRevocations(db, [{ kind: 'jti', hash: revocationHash('jti', jti), expiresAt }], now);
  }
}

export async function insertRefresh(db: Db, t: Omit<RefreshToken, 'createdAt' | 'rotatedAt'>, now: number) {
  await db
    .insertInto('refresh_tokens')
    .values({
      token_hash: t.tokenHash,
      family_id: t.familyId,
      scopes: t.scopes.join(' '),
      created_at: now,
      expires_at: t.expiresAt.getTime(),
      rotated_at: null,
    })
    .execute();
}

/** The refresh token, its family and the family's grant, in one query. */
export async function selectRefresh(db: Db, tokenHash: string) {
  const row = await db
    .selectFrom('refresh_tokens as r')
    .innerJoin('token_families as f', 'f.id', 'r.family_id')
    .leftJoin('grants as g', 'g.id', 'f.grant_id')
    .select([
      'g.guid as grant_guid',
      'g.revoked_at as grant_revoked_at',
      'r.token_hash',
      'r.family_id',
      'r.scopes',
      'r.created_at',
      'r.expires_at',
      'r.rotated_at',
      'r.successor_hash',
      'f.app_id',
      'f.user_id',
      'f.company_id',
      'f.grant_id',
      'f.created_at as family_created_at',
      'f.expires_at as family_expires_at',
      'f.revoked_at as family_revoked_at',
      'f.dpop_jkt as family_dpop_jkt',
    ])
    .where('r.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const family: TokenFamily = {
    id: row.family_id,
    appId: row.app_id,
    userId: row.user_id,
    companyId: row.company_id,
    grantId: row.grant_id,
    createdAt: date(row.family_created_at),
    expiresAt: date(row.family_expires_at),
    revokedAt: maybeDate(row.family_revoked_at),
    dpopJkt: row.family_dpop_jkt,
  };
  const grant =
    row.grant_guid == null ? null : { guid: row.grant_guid, active: row.grant_revoked_at == null };
  return { token: toRefresh(row), family, grant, successorHash: row.successor_hash };
}

/** Revokes the family, its refresh tokens and every unexpired access token it issued. */
export async function revokeFamily(db: Db, familyId: string, now: number): Promise<boolean> {
  const res = await db
    .updateTable('token_families')
    .set({ revoked_at: now })
    .where('id', '=', familyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  const issued = await db
    .selectFrom('issued_access_tokens')
    .select(['jti', 'expires_at'])
    .where('family_id', '=', familyId)
    .where('expires_at', '>', now)
    .execute();
  for (const t of issued) {
    const seen = await db
      .selectFrom('revoked_access_tokens')
      .select('jti')
      .where('jti', '=', t.jti)
      .executeTakeFirst();
    if (!seen)
      await db
        .insertInto('revoked_access_tokens')
        .values({ jti: t.jti, expires_at: t.expires_at, revoked_at: now })
        .execute();
  }
  // Resource servers following the feed refuse the family's live access tokens too.
  if (Number(res.numUpdatedRows) === 1)
    await insertRevocations(
      db,
      [
        {
          kind: 'family',
          hash: revocationHash('family', familyId),
          expiresAt: new Date(now + MAX_ACCESS_TOKEN_TTL_MS),
        },
        ...issued.map((t) => ({
          kind: 'jti' as const,
          hash: revocationHash('jti', t.jti),
          expiresAt: new Date(Number(t.expires_at)),
        })),
      ],
      now,
    );
  return Number(res.numUpdatedRows) === 1;
}

export async function selectRevokedAccessTokens(db: Db, now: number): Promise<RevokedAccessToken[]> {
  const rows = await db
    .selectFrom('revoked_access_tokens')
    .selectAll()
    .where('expires_at', '>', now)
    .orderBy('revoked_at')
    .execute();
  return rows.map((r) => ({ jti: r.jti, expiresAt: date(r.expires_at), revokedAt: date(r.revoked_at) }));
}
