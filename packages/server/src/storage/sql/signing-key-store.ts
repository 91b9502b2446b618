import type { NewSigningKey, SigningKeyStore } from '../signing-key-store.ts';
import type { SqlContext } from './context.ts';
import { toSigningKey } from './mappers.ts';
import { invalidate } from './tx.ts';

const ROTATION_LEASE = 'key-rotation';

export class SqlSigningKeyStore implements SigningKeyStore {
  constructor(private readonly ctx: SqlContext) {}

  async listSigningKeys() {
    const rows = await this.ctx.db
      .selectFrom('signing_keys')
      .selectAll()
      .orderBy('created_at')
      .orderBy('kid')
      .execute();
    return rows.map(toSigningKey);
  }

  async insertSigningKey(key: NewSigningKey, opts: { replacePending?: boolean } = {}) {
    await this.ctx.transaction(async (tx) => {
      if (opts.replacePending)
        await tx.deleteFrom('signing_keys').where('alg', '=', key.alg).where('status', '=', 'next').execute();
      await tx
        .insertInto('signing_keys')
        .values({
          kid: key.kid,
          alg: key.alg,
          public_jwk: key.publicJwk,
          private_jwk_encrypted: key.privateJwkEncrypted,
          status: key.status,
          created_at: key.createdAt.getTime(),
          activates_at: key.activatesAt.getTime(),
          retired_at: null,
        })
        .execute();
      await invalidate(tx, ['keys']);
    });
  }

  async activateSigningKey(kid: string, now: Date) {
    const at = now.getTime();
    return this.ctx.transaction(async (tx) => {
      // The conditional update is the claim: a second caller finds the key active already.
      const claimed = await tx
        .updateTable('signing_keys')
        .set({ status: 'active', activates_at: at })
        .where('kid', '=', kid)
        .where('status', '=', 'next')
        .returning('alg')
        .executeTakeFirst();
      if (!claimed) return undefined;
      const retired = await tx
        .updateTable('signing_keys')
        .set({ status: 'retired', retired_at: at })
        .where('alg', '=', claimed.alg)
        .where('status', '=', 'active')
        .where('kid', '!=', kid)
        .returning('kid')
        .execute();
      await invalidate(tx, ['keys']);
      return retired.map((r) => r.kid);
    });
  }

  async deleteRetiredSigningKey(kid: string, retiredBy: Date) {
    return this.ctx.transaction(async (tx) => {
      const deleted = await tx
        .deleteFrom('signing_keys')
        .where('kid', '=', kid)
        .where('status', '=', 'retired')
        .where('retired_at', '<=', retiredBy.getTime())
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) return false;
      await invalidate(tx, ['keys']);
      return true;
    });
  }

  async claimKeyRotationLease(holder: string, now: Date, ttlMs: number) {
    // One statement: insert the lease, or take it over when it is ours or has run out.
    const result = await this.ctx.db
      .insertInto('leases')
      .values({ name: ROTATION_LEASE, holder, expires_at: now.getTime() + ttlMs })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet((eb) => ({
            holder: eb.ref('excluded.holder'),
            expires_at: eb.ref('excluded.expires_at'),
          }))
          .where((eb) =>
            eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<=', now.getTime())]),
          ),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }
}
