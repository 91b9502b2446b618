import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import type { ClientAssertionServices } from '../oauth/client-auth/assertion-services.ts';
import type { AppWithSecrets } from '../storage/types.ts';
import { guardedJwksFetch, type JwksFetchOptions } from './jwks-fetch.ts';

/** How an app's jwks_uri is fetched and kept (docs/client-authentication.md). */
export interface RemoteJwksSettings extends JwksFetchOptions {
  /** Each fetch must answer within this. */
  timeoutMs: number;
  /** Keys are fetched again after this long. */
  cacheMaxAgeMs: number;
  /** An unknown kid fetches again, at most once per this long per URI. */
  cooldownMs: number;
}

/** Remote key sets kept at once; beyond it the oldest is dropped (and fetched again when needed). */
const MAX_REMOTE_SETS = 1000;

/**
 * The keys client assertions are verified with. Inline JWKS are read once per app record (the
 * app cache hands out a new record after every change); jwks_uri sets are jose's remote key
 * sets, one per URI, fetched under the SSRF rules with a timeout and a size cap, cached for
 * `cacheMaxAgeMs`, and fetched again when a kid is unknown at most once per `cooldownMs`.
 */
export class ClientKeys implements Pick<ClientAssertionServices, 'publicKeys' | 'hmacSecrets'> {
  private readonly local = new WeakMap<AppWithSecrets, JWTVerifyGetKey>();
  private readonly remote = new Map<string, JWTVerifyGetKey>();
  private readonly opened = new WeakMap<AppWithSecrets, Promise<Array<{ key: Uint8Array; until: number }>>>();
  private readonly fetch;

  constructor(
    private readonly settings: RemoteJwksSettings,
    /** Opens a secret sealed under the server secret (keys/crypto.ts). */
    private readonly openSecret: (sealed: string) => Promise<string>,
  ) {
    this.fetch = guardedJwksFetch(settings);
  }

  publicKeys(app: AppWithSecrets): JWTVerifyGetKey {
    if (app.jwksUri !== null) return this.remoteSet(app.jwksUri);
    let set = this.local.get(app);
    if (set === undefined) {
      set = createLocalJWKSet((app.jwks ?? { keys: [] }) as JSONWebKeySet);
      this.local.set(app, set);
    }
    return set;
  }

  /** The app's live sealed secrets, opened once per app record; one past its grace period is left out. */
  async hmacSecrets(app: AppWithSecrets): Promise<Uint8Array[]> {
    let secrets = this.opened.get(app);
    if (secrets === undefined) {
      const encoder = new TextEncoder();
      secrets = Promise.all(
        app.secrets
          .filter((s) => s.secretSealed !== null)
          .map(async (s) => ({
            key: encoder.encode(await this.openSecret(s.secretSealed as string)),
            until: s.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY,
          })),
      );
      this.opened.set(app, secrets);
    }
    const now = Date.now();
    return (await secrets).filter((s) => s.until > now).map((s) => s.key);
  }

  private remoteSet(uri: string): JWTVerifyGetKey {
    let set = this.remote.get(uri);
    if (set === undefined) {
      if (this.remote.size >= MAX_REMOTE_SETS) this.remote.delete(this.remote.keys().next().value as string);
      set = createRemoteJWKSet(new URL(uri), {
        timeoutDuration: this.settings.timeoutMs,
        cacheMaxAge: this.settings.cacheMaxAgeMs,
        cooldownDuration: this.settings.cooldownMs,
        [customFetch]: this.fetch,
      });
      this.remote.set(uri, set);
    }
    return set;
  }
}
