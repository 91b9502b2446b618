import type { Logger } from 'pino';
import type { AppService } from './apps/app-service.ts';
import type { LastUsedRecorder } from './apps/last-used.ts';
import type { LogoService } from './apps/logo.ts';
import type { AuditService } from './audit/audit-service.ts';
import type { AuthorizationService } from './authorization/authorization-service.ts';
import type { DeviceVerification } from './authorization/device-verification.ts';
import type { AuthorizationFlows } from './authorization/flow.ts';
import type { LoginDelegation } from './authorization/login-delegation.ts';
import type { RpInitiatedLogout } from './authorization/logout.ts';
import type { PasswordSignIn } from './authorization/password-sign-in.ts';
import type { SessionService } from './authorization/session-service.ts';
import type { UpstreamSignIn } from './authorization/upstream-sign-in.ts';
import { InvalidationBus } from './cache/invalidation-bus.ts';
import type { AccessPolicy } from './companies/access-policy.ts';
import type { AdminKeyService } from './companies/admin-key-service.ts';
import type { CompanyDeletion } from './companies/company-deletion.ts';
import type { CompanyService } from './companies/company-service.ts';
import type { InvitationService } from './companies/invitation-service.ts';
import type { MembershipService } from './companies/membership-service.ts';
import type { OperatorKeyService } from './companies/operator-key-service.ts';
import type { Config } from './config/index.ts';
import type { CompanyGrantService } from './consents/company-grant-service.ts';
import type { Housekeeper } from './housekeeping/housekeeper.ts';
import type { IdempotencyService } from './idempotency/idempotency-service.ts';
import { secretEncryptionKey } from './keys/crypto.ts';
import { KeyStore } from './keys/key-store.ts';
import type { KeyRotation } from './keys/rotation.ts';
import { loadRedis } from './limits/redis.ts';
import { SharedLimits } from './limits/shared-limits.ts';
import type { WakeChannel } from './limits/wake-channel.ts';
import type { Mailer } from './mail/mailer.ts';
import { PrometheusMetrics } from './metrics/prometheus.ts';
import type { OAuthContext } from './oauth/context.ts';
import type { DpopVerifier } from './oauth/dpop/proof.ts';
import type { DeviceAuthorizationEndpoint } from './oauth/endpoints/device-authorization.ts';
import type { IntrospectionEndpoint } from './oauth/endpoints/introspect.ts';
import type { PushedAuthorizationEndpoint } from './oauth/endpoints/par.ts';
import type { RevocationEndpoint } from './oauth/endpoints/revoke.ts';
import type { TokenEndpoint } from './oauth/endpoints/token.ts';
import { BUILT_IN_GRANTS, GrantRegistry } from './oauth/grants/registry.ts';
import { ResourceIndicators } from './oauth/resources.ts';
import type { ScopeCatalog } from './oauth/scopes/catalog.ts';
import { ScopeModel } from './oauth/scopes/model.ts';
import type { InitialAccessTokenService } from './registration/initial-access-token-service.ts';
import type { RegistrationService } from './registration/registration-service.ts';
import { openStorage } from './storage/sql/storage.ts';
import type { Storage } from './storage/storage.ts';
import type { IdTokenIssuer } from './tokens/id-token.ts';
import type { RevocationFeed } from './tokens/revocation-feed.ts';
import type { RevocationIndex } from './tokens/revocation-index.ts';
import type { TokenInspector } from './tokens/token-inspector.ts';
import type { TokenIssuer } from './tokens/token-issuer.ts';
import type { EmailVerificationService } from './users/email-verification-service.ts';
import type { PasswordResetService } from './users/password-reset-service.ts';
import type { ScryptPool } from './users/scrypt-pool.ts';
import type { UserAdminService } from './users/user-admin-service.ts';
import type { UserService } from './users/user-service.ts';
import type { BackchannelLogoutDispatcher } from './webhooks/backchannel-dispatcher.ts';
import type { WebhookDispatcher } from './webhooks/dispatcher.ts';
import type { WebhookService } from './webhooks/webhook-service.ts';
import { wireBackground } from './wiring/background.ts';
import { wireDirectory } from './wiring/directory.ts';
import { wireMail } from './wiring/mail.ts';
import { gatehouseMetadata } from './wiring/metadata.ts';
import { wireOAuth } from './wiring/oauth.ts';
import { wireOutbox } from './wiring/outbox.ts';
import type { Shared } from './wiring/shared.ts';
import { wireSignIn } from './wiring/sign-in.ts';
import { wireTokens } from './wiring/tokens.ts';

export interface GatehouseOptions {
  logger?: Logger;
  /** Use this storage instead of opening config.databaseUrl (tests share one). */
  storage?: Storage;
  /** Overrides config.scopeCatalog. */
  scopeCatalog?: ScopeCatalog;
  /** The clock (ms) the refresh grant measures its reuse window on; Date.now unless given. */
  clock?: () => number;
  /** The clock (ms) signing keys are created, switched and removed on; Date.now unless given. */
  keyClock?: () => number;
}

/**
 * The wired server without HTTP: storage, caches, keys, services and the OAuth core.
 * The HTTP app, the CLI and tests all start from here.
 */
export class Gatehouse {
  readonly apps: AppService;
  readonly companies: CompanyService;
  /** Users and their memberships, as the console, the management API, the CLI and /userinfo read them. */
  readonly users: UserService;
  /** The audit log, read back. */
  readonly audit: AuditService;
  /** The management API's company-scoped admin keys. */
  readonly adminKeys: AdminKeyService;
  /** RFC 7591 initial access tokens: what lets software register apps in a company. */
  readonly initialAccessTokens: InitialAccessTokenService;
  /** Dynamic client registration (RFC 7591) and its management (RFC 7592). */
  readonly registrations: RegistrationService;
  /** Keys of the operator API, which manages every company. */
  readonly operatorKeys: OperatorKeyService;
  /** Memberships as the operator changes them (the last admin stays). */
  readonly memberships: MembershipService;
  /** Users as the operator changes them: update, password, disable, delete. */
  readonly userAdmin: UserAdminService;
  /** Invitation links that let a new member set their password (the console's Members page). */
  readonly invitations: InvitationService;
  /** Deleting a company and everything it owns. */
  readonly companyDeletion: CompanyDeletion;
  /** Uploaded app logos. */
  readonly logos: LogoService;
  /** Idempotency-Key handling of the management API's writes. */
  readonly idempotency: IdempotencyService;
  /** Company grants (consents): Connected Apps, revocation, `x-company-guid` resolution. */
  readonly grants: CompanyGrantService;
  /** Prunes expired rows on a timer. */
  readonly housekeeper: Housekeeper;
  /** Rotates signing keys on their schedule (one node at a time, under a database lease). */
  readonly keyRotation: KeyRotation;
  /** Plan gating and admin checks. */
  readonly access: AccessPolicy;
  readonly tokens: TokenIssuer;
  /**
   * The grant types this server serves: the built-in ones, and custom ones registered with
   * `grantTypes.register(handler)`, the same call (docs/grant-types.md).
   */
  readonly grantTypes: GrantRegistry;
  readonly tokenEndpoint: TokenEndpoint;
  /** Checks DPoP proofs at the token endpoint and hands out server nonces (docs/dpop.md). */
  readonly dpop: DpopVerifier;
  readonly oauthContext: OAuthContext;
  readonly lastUsed: LastUsedRecorder;
  /** When each grant was last used (delegated tokens, x-company-guid resolutions). */
  readonly grantLastUsed: LastUsedRecorder;
  readonly scopeCatalog: ScopeCatalog;
  readonly webhooks: WebhookService;
  readonly revocationFeed: RevocationFeed;
  /** The live revocation feed in memory: introspection's "was it revoked?" without a query. */
  readonly revocationIndex: RevocationIndex;
  readonly webhookDispatcher: WebhookDispatcher;
  /** Sends back-channel logouts from their outbox (docs/flows/logout.md). */
  readonly backchannelLogouts: BackchannelLogoutDispatcher;
  /** RP-initiated logout: the end-session endpoint's domain module. */
  readonly logout: RpInitiatedLogout;
  /** The catalog in use with the scope algebra bound to it. */
  readonly scopes: ScopeModel;
  /** The catalog's resources (RFC 8707, docs/resource-indicators.md). */
  readonly resources: ResourceIndicators;
  readonly sessions: SessionService;
  readonly authorization: AuthorizationService;
  /** The interactive authorization flow: request in, next step out (authorization/flow.ts). */
  readonly flows: AuthorizationFlows;
  /** Sign-in through the upstream OpenID Connect providers of `GATEHOUSE_UPSTREAMS` (docs/sign-in.md). */
  readonly upstreamSignIn: UpstreamSignIn;
  /** RFC 8628: POST /oauth2/device_authorization and the verification page's flow (/device). */
  readonly device: { endpoint: DeviceAuthorizationEndpoint; verification: DeviceVerification };
  /** Sign-in delegated to the SaaS company's login application (`GATEHOUSE_LOGIN_URL`, docs/sign-in.md). */
  readonly loginDelegation: LoginDelegation;
  /** The scrypt threads sign-ins hash on, queued fairly per client address. */
  readonly scryptPool: ScryptPool;
  /** E-mail and password sign-in: the throttle, then the hash on {@link scryptPool}. */
  readonly passwordSignIn: PasswordSignIn;
  /** Sends mail: through `SMTP_URL`, or into the log (docs/configuration.md, "Mail"). */
  readonly mailer: Mailer;
  /** "Forgot your password?": reset links by mail (docs/sign-in.md). */
  readonly passwordResets: PasswordResetService;
  /** Address verification links by mail: what makes `email_verified` true. */
  readonly emailVerification: EmailVerificationService;
  readonly idTokens: IdTokenIssuer;
  /** Finds presented tokens and tells whether they are still good (revoke, introspect). */
  readonly tokenInspector: TokenInspector;
  /** POST /oauth2/revoke (RFC 7009). */
  readonly revocation: RevocationEndpoint;
  /** POST /oauth2/introspect (RFC 7662). */
  readonly introspection: IntrospectionEndpoint;
  /** POST /oauth2/par (RFC 9126). */
  readonly pushedAuthorization: PushedAuthorizationEndpoint;
  /**
   * The client_ids that may introspect every access token: `GATEHOUSE_INTROSPECTION_CLIENTS`,
   * plus what the embedding process adds (npm start adds the demo API's own app).
   */
  readonly resourceServers: Set<string>;
  /**
   * Prometheus metrics, when GATEHOUSE_METRICS_PORT or GATEHOUSE_METRICS_TOKEN is set; otherwise
   * undefined, and nothing anywhere measures anything (docs/operations.md).
   */
  readonly metrics: PrometheusMetrics | undefined;
  /** With REDIS_URL: the connection the nodes share their rate limits and sign-in throttle through. */
  readonly sharedLimits: SharedLimits | undefined;
  /** With REDIS_URL: pub/sub that wakes the other nodes' feed followers after a local change. */
  private readonly wake: WakeChannel | undefined;
  /** Whether some app may use the implicit grant (refreshed when apps change). */
  private implicitInUse = false;
  private readonly log: GatehouseOptions['logger'];

  private constructor(
    readonly config: Config,
    readonly storage: Storage,
    readonly bus: InvalidationBus,
    readonly keys: KeyStore,
    private readonly ownsStorage: boolean,
    opts: GatehouseOptions,
    /** Made by open() when metrics are on (it loads prom-client only then). */
    metrics: PrometheusMetrics | undefined,
  ) {
    this.scopeCatalog = opts.scopeCatalog ?? config.scopeCatalog;
    this.log = opts.logger;
    this.metrics = metrics;
    this.sharedLimits =
      config.redisUrl === undefined
        ? undefined
        : new SharedLimits({ url: config.redisUrl, prefix: config.redisPrefix, log: opts.logger, metrics });
    this.resourceServers = new Set(config.introspectionClients);
    this.scopes = new ScopeModel(this.scopeCatalog);
    this.resources = new ResourceIndicators(this.scopeCatalog.resources);
    this.grantTypes = new GrantRegistry();
    for (const grant of BUILT_IN_GRANTS) this.grantTypes.register(grant);
    const shared: Shared = {
      config,
      storage,
      bus,
      keys,
      log: opts.logger,
      metrics,
      sharedLimits: this.sharedLimits,
      secretKey: secretEncryptionKey(config.serverSecret),
      clock: opts.clock,
      keyClock: opts.keyClock,
    };
    // The groups in the order they are built (wiring/): each takes what the ones before made.
    const directory = wireDirectory(shared, { scopes: this.scopes, grantTypes: this.grantTypes });
    ({
      apps: this.apps,
      companies: this.companies,
      users: this.users,
      audit: this.audit,
      adminKeys: this.adminKeys,
      initialAccessTokens: this.initialAccessTokens,
      operatorKeys: this.operatorKeys,
      memberships: this.memberships,
      userAdmin: this.userAdmin,
      companyDeletion: this.companyDeletion,
      logos: this.logos,
      idempotency: this.idempotency,
      grants: this.grants,
      access: this.access,
      registrations: this.registrations,
    } = directory);
    const tokens = wireTokens(shared, { apps: this.apps, resources: this.resources });
    ({
      tokens: this.tokens,
      idTokens: this.idTokens,
      revocationFeed: this.revocationFeed,
      revocationIndex: this.revocationIndex,
      tokenInspector: this.tokenInspector,
    } = tokens);
    ({
      webhooks: this.webhooks,
      webhookDispatcher: this.webhookDispatcher,
      backchannelLogouts: this.backchannelLogouts,
    } = wireOutbox(shared, { signer: tokens.signer }));
    ({
      scryptPool: this.scryptPool,
      passwordSignIn: this.passwordSignIn,
      sessions: this.sessions,
      authorization: this.authorization,
      flows: this.flows,
      upstreamSignIn: this.upstreamSignIn,
      loginDelegation: this.loginDelegation,
      logout: this.logout,
    } = wireSignIn(shared, {
      ...directory,
      tokens: this.tokens,
      backchannelLogouts: this.backchannelLogouts,
    }));
    ({
      mailer: this.mailer,
      invitations: this.invitations,
      passwordResets: this.passwordResets,
      emailVerification: this.emailVerification,
    } = wireMail(shared, { companies: this.companies, passwordSignIn: this.passwordSignIn }));
    ({
      lastUsed: this.lastUsed,
      grantLastUsed: this.grantLastUsed,
      oauthContext: this.oauthContext,
      pushedAuthorization: this.pushedAuthorization,
      device: this.device,
      dpop: this.dpop,
      tokenEndpoint: this.tokenEndpoint,
      revocation: this.revocation,
      introspection: this.introspection,
    } = wireOAuth(shared, {
      ...directory,
      ...tokens,
      scopes: this.scopes,
      resources: this.resources,
      grantTypes: this.grantTypes,
      resourceServers: this.resourceServers,
      authorization: this.authorization,
      sessions: this.sessions,
    }));
    ({
      housekeeper: this.housekeeper,
      keyRotation: this.keyRotation,
      wake: this.wake,
    } = wireBackground(shared, {
      revocationIndex: this.revocationIndex,
      onClientChange: () => void this.refreshImplicitInUse(opts.logger),
    }));
  }

  /** Opens storage (unless given), migrates, loads or creates signing keys. */
  static async open(config: Config, opts: GatehouseOptions = {}): Promise<Gatehouse> {
    const storage =
      opts.storage ??
      openStorage(config.databaseUrl, {
        timeouts: config.databaseTimeouts,
        preparedStatements: config.databasePreparedStatements,
      });
    try {
      await storage.migrate();
      const bus = new InvalidationBus(storage, config.invalidationPollMs, opts.logger);
      const keys = new KeyStore(storage, config.serverSecret, opts.keyClock);
      await keys.init();
      // Optional parts load their libraries only when configured: a node without metrics or
      // REDIS_URL never loads prom-client or ioredis (docs/deployment.md, Memory).
      const metricsOn = config.metrics.port !== undefined || config.metrics.token !== undefined;
      const metrics = metricsOn ? await PrometheusMetrics.create() : undefined;
      if (config.redisUrl !== undefined) await loadRedis();
      const gh = new Gatehouse(config, storage, bus, keys, opts.storage === undefined, opts, metrics);
      await gh.refreshImplicitInUse(opts.logger);
      return gh;
    } catch (err) {
      if (!opts.storage) await storage.close();
      throw err;
    }
  }

  /** Starts background work: invalidation polling and last-used batching. */
  async start(): Promise<void> {
    this.storage.startBackgroundWork((err) =>
      this.log?.warn({ err }, 'the WAL checkpoint thread failed; SQLite checkpoints on commits again'),
    );
    await this.revocationFeed.start();
    await this.revocationIndex.start();
    await this.bus.start();
    this.lastUsed.start();
    this.grantLastUsed.start();
    this.housekeeper.start();
    this.keyRotation.start();
    this.sharedLimits?.start();
    this.wake?.start();
    if (this.config.webhooks.enabled) {
      this.webhookDispatcher.start();
      this.backchannelLogouts.start();
    }
  }

  /** Resolves when the database answers (the readiness probe's question). */
  ping(): Promise<void> {
    return this.storage.ping();
  }

  async close(): Promise<void> {
    await this.bus.stop();
    await this.revocationIndex.stop();
    await this.webhookDispatcher.stop();
    await this.backchannelLogouts.stop();
    await this.housekeeper.stop();
    await this.keyRotation.stop();
    await this.lastUsed.stop();
    await this.grantLastUsed.stop();
    await this.scryptPool.close();
    await this.passwordResets.settled();
    await this.mailer.close();
    await this.sharedLimits?.close();
    this.wake?.close();
    if (this.ownsStorage) await this.storage.close();
  }

  metadata(): Record<string, unknown> {
    return gatehouseMetadata(this.config.issuer, this.grantTypes, this.scopes, this.implicitInUse);
  }

  /** Re-reads whether any app may use the implicit grant (also done on every app change). */
  async refreshImplicitInUse(logger?: Logger): Promise<void> {
    try {
      this.implicitInUse = await this.storage.anyAppWithGrantType('implicit');
    } catch (err) {
      logger?.error({ err }, 'checking for implicit-grant apps failed');
    }
  }
}
