import type { Selectable } from 'kysely';
import { revocationHash } from '../../tokens/revocation-keys.ts';
import type { ActClaim, OpaqueAccessToken } from '../authorization-types.ts';
import type { Database } from '../schema.ts';
import { splitScopes } from './mappers.ts';
import { insertRevocations } from './revocations.ts';
import type { Db } from './tx.ts';

const toOpaque = (r: Selectable<Database['opaque_access_tokens']>): OpaqueAccessToken => ({
  tokenHash: r.token_hash,
  jti: r.jti,
  appId: r.app_id,
  clientId: r.client_id,
  subject: r.subject,
  scopes: splitScopes(r.scopes),
  companyId: r.company_id,
  grantId: r.grant_id,
  familyId: r.family_id,
  issuedAt: new Date(Number(r.issued_at)),
  expiresAt: new Date(Number(r.expires_at)),
  dpopJkt: r.dpop_jkt,
  audience: r.audience,
  act: r.act === null ? null : (JSON.parse(r.act) as ActClaim),
});

const opaqueRow = (t: OpaqueAccessToken) => ({
  token_hash: t.tokenHash,
  jti: t.jti,
  app_id: t.appId,
  client_id: t.clientId,
  subject: t.subject,
  scopes: t.scopes.join(' '),
  company_id: t.companyId,
  grant_id: t.grantId,
  family_id: t.familyId,
  issued_at: t.issuedAt.getTime(),
  expires_at: t.expiresAt.getTime(),
  dpop_jkt: t.dpopJkt,
  audience: t.audience,
  act: t.act === null ? null : JSON.stringify(t.act),
});

export async function insertOpaque(db: Db, t: OpaqueAccessToken): Promise<void> {
  await db.insertInto('opaque_access_tokens').values(opaqueRow(t)).execute();
}

/** Several tokens in one multi-row INSERT: one statement, one commit (see GroupCommit). */
export async function insertOpaqueMany(db: Db, tokens: OpaqueAccessToken[]): Promise<void> {
  await db.insertInto('opaque_access_tokens').values(tokens.map(opaqueRow)).execute();
}

export async function selectOpaque(db: Db, tokenHash: string): Promise<OpaqueAccessToken | undefined> {
  const row = await db
    .selectFrom('opaque_access_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row && toOpaque(row);
}

/**
 * Revokes one access token by its jti and appends it to the revocation feed, in the
 * caller's transaction. False when it was already revoked (nothing is written twice).
 */
export async function revokeJti(db: Db, jti: string, expiresAt: Date, now: number): Promise<boolean> {
  // ON CONFLICT makes two concurrent revocations of one token a no-op for the second.
  const res = await db
    .insertInto('revoked_access_tokens')
    .values({ jti, expires_at: expiresAt.getTime(), revoked_at: now })
    .onConflict((oc) => oc.column('jti').doNothing())
    .executeTakeFirst();
  if (Number(res.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
  await insertRevocations(db, [{ kind: 'jti', hash: revocationHash('jti', jti), expiresAt }], now);
  return true;
}
