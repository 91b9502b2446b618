import { ExpiringLru } from '@gatehouse/cache';
import type { AccessTokenClaims } from './claims.ts';
import { ResourceServerError } from './errors.ts';
import { revocationHash } from './hash.ts';
import type { RevocationList } from './revocation.ts';

/** A company grant as Gatehouse resolves an `x-company-guid` for the token's app. */
export interface ResolvedGrant {
  guid: string;
  company_id: string;
  client_id: string;
  /** The scopes the company granted (space-delimited, as on the wire). */
  scope: string;
}

export interface GrantResolverOptions {
  /** `${endpoint}/${guid}` answers for one GUID. */
  endpoint: () => Promise<string>;
  revocations?: RevocationList;
  /** Seconds an answer is reused. Default 60. */
  ttlSeconds?: number;
  /** Seconds a "not found" is reused (so a bad GUID cannot make every call a lookup). Default 5. */
  negativeTtlSeconds?: number;
  /** Answers remembered. Default 10,000. */
  cacheSize?: number;
  timeoutMs: number;
  /**
   * Opaque tokens cannot call the grant endpoint (it verifies JWTs): when set, their grants
   * come from introspection with `company_guid` (Introspector.companyGrant), and are cached
   * per token, since that answer's scope is the token's intersected with the grant's.
   */
  introspect?: {
    isOpaque(token: string): boolean;
    companyGrant(token: string, guid: string): Promise<ResolvedGrant | undefined>;
  };
}

interface Entry {
  grant: ResolvedGrant | undefined;
  guidHash: string;
}

const GUID = /^[A-Za-z0-9_-]{1,100}$/;

function notFound(): ResourceServerError {
  return new ResourceServerError(
    'grant_not_found',
    'x-company-guid does not name an active grant of this app',
  );
}

function isGrant(v: unknown): v is ResolvedGrant {
  const g = v as Partial<ResolvedGrant> | null;
  return (
    typeof g === 'object' &&
    g !== null &&
    typeof g.guid === 'string' &&
    typeof g.company_id === 'string' &&
    typeof g.client_id === 'string' &&
    typeof g.scope === 'string'
  );
}

/**
 * Resolves the `x-company-guid` a partner sends to the company it names, by asking Gatehouse
 * with the partner's own token (so the answer only ever concerns that app's grants). Answers
 * are cached briefly; a `guid` entry on the revocation feed evicts them and refuses the GUID
 * at once, so a revoked grant stops working within the feed's latency, not the cache's TTL.
 */
export class GrantResolver {
  private readonly cache: ExpiringLru<Entry>;
  private readonly inflight = new Map<string, Promise<Entry>>();

  constructor(private readonly opts: GrantResolverOptions) {
    this.cache = new ExpiringLru(opts.cacheSize ?? 10_000);
    opts.revocations?.onRevoked((hashes) => {
      const revoked = new Set(hashes);
      this.cache.deleteWhere((e) => revoked.has(e.guidHash));
    });
  }

  /**
   * The grant `guid` names for this token's app.
   *
   * @throws ResourceServerError `grant_not_found` (unknown, revoked, or another app's GUID),
   *   `token_revoked` (Gatehouse refused the token), `grant_lookup_unavailable`.
   */
  async resolve(token: string, claims: AccessTokenClaims, guid: string): Promise<ResolvedGrant> {
    if (!GUID.test(guid)) throw notFound();
    const opaque = this.opts.introspect?.isOpaque(token) === true;
    const key = opaque
      ? `${claims.client_id}\u0000${guid}\u0000${token}`
      : `${claims.client_id}\u0000${guid}`;
    const now = Math.floor(Date.now() / 1000);
    let entry = this.cache.get(key, now);
    if (!entry) {
      let pending = this.inflight.get(key);
      if (!pending) {
        pending = (opaque ? this.introspected(token, guid) : this.lookup(token, guid)).finally(() =>
          this.inflight.delete(key),
        );
        this.inflight.set(key, pending);
      }
      entry = await pending;
      // A revocation that arrived during the lookup must win over its answer.
      if (!this.opts.revocations?.has([entry.guidHash])) {
        const ttl = entry.grant ? (this.opts.ttlSeconds ?? 60) : (this.opts.negativeTtlSeconds ?? 5);
        this.cache.set(key, entry, now + ttl);
      }
    }
    if (!entry.grant || this.opts.revocations?.has([entry.guidHash])) throw notFound();
    if (entry.grant.client_id !== claims.client_id) throw notFound();
    return entry.grant;
  }

  private async introspected(token: string, guid: string): Promise<Entry> {
    const guidHash = await revocationHash('guid', guid);
    if (this.opts.revocations?.has([guidHash])) return { grant: undefined, guidHash };
    return { grant: await this.opts.introspect?.companyGrant(token, guid), guidHash };
  }

  private async lookup(token: string, guid: string): Promise<Entry> {
    const guidHash = await revocationHash('guid', guid);
    if (this.opts.revocations?.has([guidHash])) return { grant: undefined, guidHash };
    let res: Response;
    try {
      res = await fetch(`${await this.opts.endpoint()}/${encodeURIComponent(guid)}`, {
        headers: { accept: 'application/json', authorization: `Bearer ${token}` },
        redirect: 'error',
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (cause) {
      throw new ResourceServerError(
        'grant_lookup_unavailable',
        'the company grant could not be looked up',
        [],
        {
          cause,
        },
      );
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return { grant: undefined, guidHash };
    }
    if (res.status === 401) {
      await res.body?.cancel();
      throw new ResourceServerError('token_revoked', 'the authorization server no longer accepts this token');
    }
    const body: unknown = res.status === 200 ? await res.json().catch(() => undefined) : undefined;
    if (res.status !== 200) await res.body?.cancel();
    if (!isGrant(body) || body.guid !== guid)
      throw new ResourceServerError(
        'grant_lookup_unavailable',
        `the company grant lookup failed (status ${res.status})`,
      );
    return {
      grant: { guid: body.guid, company_id: body.company_id, client_id: body.client_id, scope: body.scope },
      guidHash,
    };
  }
}
