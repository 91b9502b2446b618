import type { DpopProofLedger } from '../oauth/dpop/proof.ts';
import type { TokenStore } from '../storage/storage.ts';
import { type SharedLimits, SharedLimitsUnavailable } from './shared-limits.ts';

/**
 * The DPoP proofs already used at the token endpoint, shared by every node. With REDIS_URL, one
 * `SET <prefix>:dpop:<hash> 1 NX PX <ms>` per proof (nothing to prune: the key expires with
 * the proof); without it, or while Redis does not answer, one insert-if-absent into the
 * `dpop_proofs` table (storage `useDpopProof`), which housekeeping prunes. Either way exactly
 * one use of a proof is accepted. Only during a Redis outage could a proof first recorded in
 * Redis be replayed once against the database (docs/dpop.md).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-11.1
 */
export class UsedDpopProofs implements DpopProofLedger {
  constructor(
    private readonly storage: Pick<TokenStore, 'useDpopProof'>,
    private readonly shared?: SharedLimits,
  ) {}

  firstUse(proofHash: string, expiresAt: Date): Promise<boolean> {
    const { shared } = this;
    if (shared === undefined) return this.storage.useDpopProof(proofHash, expiresAt);
    return shared
      .decide(
        async () => {
          const ttl = Math.max(1, expiresAt.getTime() - Date.now());
          try {
            const set = await shared.redis.set(`${shared.prefix}:dpop:${proofHash}`, '1', 'PX', ttl, 'NX');
            return set === 'OK';
          } catch (err) {
            throw new SharedLimitsUnavailable('Redis did not answer', { cause: err });
          }
        },
        () => undefined,
      )
      .then((first) => first ?? this.storage.useDpopProof(proofHash, expiresAt));
  }
}
