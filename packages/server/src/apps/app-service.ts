import type { InvalidationBus } from '../cache/invalidation-bus.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { ScopeModel } from '../oauth/scopes/model.ts';
import type { AppStore, DirectoryStore, GrantStore } from '../storage/storage.ts';
import type { App, AppWithSecrets, Page, PageRequest } from '../storage/types.ts';
import { hashEquals, sha256 } from '../util/hash.ts';
import { newId } from '../util/random.ts';
import { lastFour, newSecret } from '../util/secrets.ts';
import { appUpdated } from '../webhooks/events.ts';
import type { AppCache } from './app-cache.ts';
import {
  type AppPatch,
  applyPatch,
  asInput,
  changedFields,
  changesJson,
  editableOf,
  pick,
} from './app-edit.ts';
import { tokenExchangeJson } from './token-exchange-settings.ts';
import { type AppInput, type ServedGrantTypes, validateAppInput } from './validation.ts';

export type { App, AppSecret, AppWithSecrets, JwkSet } from '../storage/types.ts';
export { TOKEN_ENDPOINT_AUTH_METHODS } from '../storage/types.ts';
export type { AppPatch } from './app-edit.ts';

/** How often update() reads again and retries when someone else changed the app meanwhile. */
const UPDATE_ATTEMPTS = 3;

export interface AppWithNewSecret {
  app: AppWithSecrets;
  /** The only time the secret exists in clear: show it once, then forget it. */
  clientSecret: string;
}

export interface CreatedApp {
  app: AppWithSecrets;
  /**
   * The only time the secret exists in clear: show it once, then forget it. Null for a public
   * client, which authenticates with PKCE and has no secret (one would never work).
   */
  clientSecret: string | null;
}

/** What rotate-secret answers for a public client: 409, it has no secret to rotate. */
export const PUBLIC_CLIENT_NO_SECRET =
  'this app is a public client: it has no client secret to rotate (it authenticates with PKCE)';

/** Who performs a change, for the audit log: `user:<id>`, `cli`, `admin_key:<id>`. */
export type Actor = string;

/** Apps and their secrets: the service the console, the management API and the CLI call. */
export class AppService {
  constructor(
    private readonly storage: AppStore & DirectoryStore & GrantStore,
    private readonly cache: AppCache,
    private readonly bus: InvalidationBus,
    private readonly scopes?: ScopeModel,
    /** The configured floor for token lifetimes (config `minTokenTtlSeconds`). */
    private readonly minTokenTtl?: number,
    /** The server's grant registry: an app may be allowed only the grant types it serves. */
    private readonly grantTypes?: ServedGrantTypes,
    /**
     * Seals a secret under the server secret (keys/crypto.ts): only for client_secret_jwt apps,
     * whose secrets must be kept openable to verify an HMAC. Without it, such an app's secrets
     * are kept as hashes only and client_secret_jwt cannot verify them.
     */
    private readonly sealSecret?: (secret: string) => Promise<string>,
  ) {}

  /** The stored record of a new secret: its hash, and for a client_secret_jwt app its sealed value. */
  private async secretRecord(secret: string, method: App['tokenEndpointAuthMethod']) {
    const sealed = method === 'client_secret_jwt' && this.sealSecret ? await this.sealSecret(secret) : null;
    return { id: newId('sec'), secretHash: sha256(secret), last4: lastFour(secret), secretSealed: sealed };
  }

  async create(input: AppInput, actor: Actor): Promise<CreatedApp> {
    const valid = validateAppInput(input, this.scopes, this.minTokenTtl, this.grantTypes);
    if (!(await this.storage.getCompany(valid.companyId))) throw new NotFoundError('company');
    const id = newId('app');
    const clientId = newId('cl', 24);
    const clientSecret = valid.clientType === 'public' ? null : newSecret('clientSecret');
    const app = await this.storage.createApp(
      { ...valid, id, clientId },
      clientSecret === null ? null : await this.secretRecord(clientSecret, valid.tokenEndpointAuthMethod),
      {
        audit: {
          companyId: valid.companyId,
          actor,
          action: 'app.created',
          target: `app:${id}`,
          data: {
            name: valid.name,
            type: valid.type,
            scopes: valid.scopes,
            grant_types: valid.grantTypes,
            scope_policy: valid.scopePolicy,
            ...(valid.tokenExchange ? { token_exchange: tokenExchangeJson(valid.tokenExchange) } : {}),
          },
        },
      },
    );
    this.bus.publishLocal(`client:${clientId}`);
    return { app, clientSecret };
  }

  /** The company's app by its id or its client_id (`app_...` or `cl_...`). */
  async get(companyId: string, ref: string): Promise<AppWithSecrets> {
    const app = ref.startsWith('cl_')
      ? await this.storage.findAppByClientId(ref)
      : await this.storage.getApp(companyId, ref);
    if (app?.companyId !== companyId) throw new NotFoundError('app');
    return app;
  }

  /**
   * UNSCOPED, operator-only: the app and its live secrets by id or client_id in any company,
   * for the `gatehouse` CLI to learn an app's company before it calls the scoped methods.
   * Nothing reachable over HTTP calls this.
   */
  async getForOperator(ref: string): Promise<AppWithSecrets> {
    const app = ref.startsWith('cl_')
      ? await this.storage.findAppByClientId(ref)
      : await this.storage.getAppById(ref);
    if (!app) throw new NotFoundError(`app ${ref}`);
    return app;
  }

  /**
   * Changes what may change after creation (AppPatch), under the rules of creation. Scopes
   * never change: the attempt is a ValidationError that says to create a new app. The change
   * reaches every node's app cache (the invalidation feed), is audited with the before and
   * after values of each changed field and sends `app.updated`; a patch that changes nothing
   * writes nothing. Token format, signing algorithm and lifetime apply to tokens issued from
   * now on. Concurrent edits each apply to the app as the other left it (a compare-and-set,
   * retried), so two admins adding a redirect URI each keep both.
   */
  async update(companyId: string, ref: string, patch: AppPatch, actor: Actor): Promise<AppWithSecrets> {
    for (let attempt = 1; ; attempt++) {
      const app = await this.get(companyId, ref);
      const before = editableOf(app);
      const after = applyPatch(app, patch);
      const changed = changedFields(before, after);
      if (changed.length === 0) return app;
      this.validateEdit(asInput(app, after), changed);
      const changes = changesJson(before, after, changed);
      const updated = await this.storage.updateApp(
        companyId,
        app.id,
        pick(before, changed),
        pick(after, changed),
        {
          audit: {
            companyId,
            actor,
            action: 'app.updated',
            target: `app:${app.id}`,
            data: { name: after.name, changes },
          },
          events: [appUpdated(app, changes)],
        },
      );
      if (updated === undefined) throw new NotFoundError('app');
      if (updated !== 'changed') {
        this.bus.publishLocal(`client:${app.clientId}`);
        return updated;
      }
      if (attempt === UPDATE_ATTEMPTS)
        throw new ConflictError('the app kept changing while this edit was made; read it again and retry');
    }
  }

  /**
   * Creation's rules for the app as edited, reporting only the fields the edit changes: a
   * field that no longer passes a rule tightened since the app was made (a narrower scope
   * catalog, a higher token lifetime floor) does not block an unrelated edit.
   */
  private validateEdit(input: AppInput, changed: readonly string[]): void {
    try {
      validateAppInput(input, this.scopes, this.minTokenTtl, this.grantTypes);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const fields = Object.fromEntries(Object.entries(err.fields).filter(([f]) => changed.includes(f)));
      if (Object.keys(fields).length > 0)
        throw new ValidationError([...new Set(Object.values(fields))].join('; '), fields);
    }
  }

  list(companyId: string): Promise<App[]> {
    return this.storage.listApps(companyId);
  }

  /** The company's apps, newest first, cursor-paged; a forged cursor throws InvalidCursor. */
  page(companyId: string, page: PageRequest = {}): Promise<Page<App>> {
    return this.storage.pageApps(companyId, page);
  }

  /**
   * Issues a new secret. Older secrets keep working for `graceSeconds` (0: stop at once),
   * so a fleet can roll the new one out without downtime.
   */
  async rotateSecret(
    companyId: string,
    ref: string,
    actor: Actor,
    graceSeconds = 0,
  ): Promise<AppWithNewSecret> {
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > 30 * 86_400)
      throw new ValidationError('grace period must be 0 to 2,592,000 seconds (30 days)', {
        graceSeconds: 'must be a whole number of seconds from 0 to 2592000',
      });
    const current = await this.get(companyId, ref);
    const appId = current.id;
    if (current.clientType === 'public') throw new ConflictError(PUBLIC_CLIENT_NO_SECRET);
    const clientSecret = newSecret('clientSecret');
    const app = await this.storage.rotateAppSecret(
      companyId,
      appId,
      await this.secretRecord(clientSecret, current.tokenEndpointAuthMethod),
      new Date(Date.now() + graceSeconds * 1000),
      {
        audit: {
          companyId,
          actor,
          action: 'app.secret_rotated',
          target: `app:${appId}`,
          data: { grace_seconds: graceSeconds },
        },
        events: [
          {
            type: 'app.secret_rotated',
            companyIds: [companyId],
            appId,
            data: { app_id: appId, grace_seconds: graceSeconds, rotated_at: new Date().toISOString() },
          },
        ],
      },
    );
    if (!app) throw new NotFoundError('app');
    this.bus.publishLocal(`client:${app.clientId}`);
    return { app, clientSecret };
  }

  async delete(companyId: string, ref: string, actor: Actor): Promise<void> {
    const app = await this.get(companyId, ref);
    const appId = app.id;
    // Everyone the app touched hears of it: its owner and each company that granted it access.
    const grantCompanies = (await this.storage.listGrantsOfApp(appId))
      .filter((g) => g.revokedAt === null)
      .map((g) => g.companyId);
    const ok = await this.storage.deleteApp(companyId, appId, {
      audit: { companyId, actor, action: 'app.deleted', target: `app:${appId}`, data: { name: app.name } },
      events: [
        {
          type: 'app.deleted',
          companyIds: [companyId, ...grantCompanies],
          appId,
          data: {
            app_id: appId,
            client_id: app.clientId,
            name: app.name,
            deleted_at: new Date().toISOString(),
          },
        },
      ],
    });
    if (!ok) throw new NotFoundError('app');
    this.bus.publishLocal(`client:${app.clientId}`);
  }

  /** The app for a client_id, from cache. Null when there is no such app. */
  findByClientId(clientId: string): Promise<AppWithSecrets | null> {
    return this.cache.get(clientId);
  }

  /**
   * The app for a client_id as the database holds it now (and cached): for the authorization
   * endpoint, so that an app edited on any node (a redirect URI added or removed, implicit
   * turned off) is answered as edited on every node at once. Null when there is no such app.
   */
  findByClientIdFresh(clientId: string): Promise<AppWithSecrets | null> {
    return this.cache.fresh(clientId);
  }

  /**
   * The confidential app that `clientId` and `secret` authenticate, else null. A secret that
   * matches none of the cached app's is checked once more against the app as the database
   * holds it now (AppCache.reload, at most once a second per client), so a secret rotated on
   * another node or with `gatehouse app rotate-secret` works here as soon as the rotation
   * returns, not only after this node's next invalidation poll.
   */
  async authenticateConfidential(clientId: string, secret: string): Promise<AppWithSecrets | null> {
    const app = await this.cache.get(clientId);
    if (app?.clientType !== 'confidential') return null;
    const presented = sha256(secret);
    if (AppService.hashMatches(app, presented)) return app;
    const fresh = await this.cache.reload(clientId);
    return fresh?.clientType === 'confidential' && AppService.hashMatches(fresh, presented) ? fresh : null;
  }

  /**
   * Checks a presented client secret against the app's live secrets in constant time per
   * candidate. Secrets past their grace period are refused even if still cached.
   */
  static secretMatches(app: AppWithSecrets, presented: string, now = Date.now()): boolean {
    return AppService.hashMatches(app, sha256(presented), now);
  }

  /** secretMatches for a secret already hashed (sha256). */
  private static hashMatches(app: AppWithSecrets, h: string, now = Date.now()): boolean {
    let ok = false;
    for (const s of app.secrets) {
      if (s.expiresAt !== null && s.expiresAt.getTime() <= now) continue;
      if (hashEquals(s.secretHash, h)) ok = true;
    }
    return ok;
  }
}
