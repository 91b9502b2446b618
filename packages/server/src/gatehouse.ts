import type { Logger } from 'pino';
import { AppCache } from './apps/app-cache.ts';
import { AppService } from './apps/app-service.ts';
import { AssertionReplayGuard } from './apps/assertion-replay.ts';
import { ClientKeys } from './apps/client-keys.ts';
import { LastUsedRecorder } from './apps/last-used.ts';
import { LogoService } from './apps/logo.ts';
import { AuditService } from './audit/audit-service.ts';
import { AuthorizationService } from './authorization/authorization-service.ts';
import { DelegatedUsers } from './authorization/delegated-user.ts';
import { DeviceVerification } from './authorization/device-verification.ts';
import { AuthorizationFlows } from './authorization/flow.ts';
import { LoginDelegation } from './authorization/login-delegation.ts';
import { RpInitiatedLogout } from './authorization/logout.ts';
import { PasswordSignIn } from './authorization/password-sign-in.ts';
import { PushedRequestService } from './authorization/pushed-request-service.ts';
import { SessionService } from './authorization/session-service.ts';
import { UpstreamSignIn } from './authorization/upstream-sign-in.ts';
import { DEFAULT_USER_CODE_THROTTLE, UserCodeThrottle } from './authorization/user-code-throttle.ts';
import { InvalidationBus } from './cache/invalidation-bus.ts';
import { AccessPolicy } from './companies/access-policy.ts';
import { AdminKeyService } from './companies/admin-key-service.ts';
import { CompanyDeletion } from './companies/company-deletion.ts';
import { CompanyService } from './companies/company-service.ts';
import { InvitationService } from './companies/invitation-service.ts';
import { MembershipService } from './companies/membership-service.ts';
import { OperatorKeyService } from './companies/operator-key-service.ts';
import type { Config } from './config/index.ts';
import { CompanyGrantService } from './consents/company-grant-service.ts';
import { Housekeeper } from './housekeeping/housekeeper.ts';
import { LOCALES } from './i18n/catalogs.ts';
import { IdempotencyService } from './idempotency/idempotency-service.ts';
import {
  answerEncryptionKey,
  dpopNonceKey,
  openSecret,
  sealSecret,
  secretEncryptionKey,
} from './keys/crypto.ts';
import { JwsSigner } from './keys/jws.ts';
import { KeyStore } from './keys/key-store.ts';
import { KeyRotation } from './keys/rotation.ts';
import { loadRedis } from './limits/redis.ts';
import { SharedLimits } from './limits/shared-limits.ts';
import { UsedDpopProofs } from './limits/used-proofs.ts';
import { WakeChannel } from './limits/wake-channel.ts';
import { Mailer } from './mail/mailer.ts';
import { PrometheusMetrics } from './metrics/prometheus.ts';
import { CLIENT_AUTH_METHODS } from './oauth/client-auth/index.ts';
import type { OAuthContext } from './oauth/context.ts';
import { DpopNonces } from './oauth/dpop/nonces.ts';
import { DPOP_SIGNING_ALGS, DpopVerifier } from './oauth/dpop/proof.ts';
import {
  DEFAULT_DEVICE_SETTINGS,
  DeviceAuthorizationEndpoint,
} from './oauth/endpoints/device-authorization.ts';
import { INTROSPECTION_AUTH_METHODS, IntrospectionEndpoint } from './oauth/endpoints/introspect.ts';
import { ASSERTION_SIGNING_ALGS, authorizationServerMetadata } from './oauth/endpoints/metadata.ts';
import { PushedAuthorizationEndpoint } from './oauth/endpoints/par.ts';
import { RevocationEndpoint } from './oauth/endpoints/revoke.ts';
import { TokenEndpoint } from './oauth/endpoints/token.ts';
import { BUILT_IN_GRANTS, GrantRegistry } from './oauth/grants/registry.ts';
import { ResourceIndicators } from './oauth/resources.ts';
import type { ScopeCatalog } from './oauth/scopes/catalog.ts';
import { ScopeModel } from './oauth/scopes/model.ts';
import { InitialAccessTokenService } from './registration/initial-access-token-service.ts';
import { REGISTRATION_PATH, RegistrationService } from './registration/registration-service.ts';
import { openStorage } from './storage/sql/storage.ts';
import type { Storage } from './storage/storage.ts';
import { IdTokenIssuer } from './tokens/id-token.ts';
import { IdTokenHints } from './tokens/id-token-hint.ts';
import { LogoutTokenIssuer } from './tokens/logout-token.ts';
import { RevocationFeed } from './tokens/revocation-feed.ts';
import { RevocationIndex } from './tokens/revocation-index.ts';
import { TokenInspector } from './tokens/token-inspector.ts';
import { TokenIssuer } from './tokens/token-issuer.ts';
import { EmailVerificationService } from './users/email-verification-service.ts';
import { PasswordResetService } from './users/password-reset-service.ts';
import { ScryptPool } from './users/scrypt-pool.ts';
import { UserAdminService } from './users/user-admin-service.ts';
import { UserService } from './users/user-service.ts';
import { BackchannelLogoutDispatcher } from './webhooks/backchannel-dispatcher.ts';
import { WebhookDispatcher } from './webhooks/dispatcher.ts';
import { WebhookService } from './webhooks/webhook-service.ts';

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
    const cache = new AppCache(storage, bus, config.appCacheSize);
    const secretKey = secretEncryptionKey(config.serverSecret);
    this.apps = new AppService(
      storage,
      cache,
      bus,
      this.scopes,
      config.minTokenTtlSeconds,
      this.grantTypes,
      (s) => sealSecret(s, secretKey),
    );
    this.companies = new CompanyService(storage);
    this.users = new UserService(storage);
    this.audit = new AuditService(storage);
    this.adminKeys = new AdminKeyService(storage);
    this.initialAccessTokens = new InitialAccessTokenService(storage, this.scopes, this.grantTypes);
    this.operatorKeys = new OperatorKeyService(storage);
    this.memberships = new MembershipService(storage);
    this.userAdmin = new UserAdminService(storage, bus);
    this.mailer = new Mailer(config.mail, opts.logger, config.theme.productName);
    this.invitations = new InvitationService(storage, this.companies, {
      baseUrl: config.issuer,
      throttle: config.loginThrottle,
      mailer: this.mailer,
    });
    this.companyDeletion = new CompanyDeletion(storage, this.apps, bus);
    this.logos = new LogoService(storage);
    this.idempotency = new IdempotencyService(storage, {
      encryptionKey: answerEncryptionKey(config.serverSecret),
    });
    this.grants = new CompanyGrantService(storage, bus);
    this.housekeeper = new Housekeeper(storage, config.housekeepingIntervalMs, opts.logger);
    this.keyRotation = new KeyRotation(storage, keys, {
      config: config.keyRotation,
      ...(opts.keyClock ? { clock: opts.keyClock } : {}),
      ...(opts.logger ? { log: opts.logger } : {}),
    });
    this.access = new AccessPolicy(storage, config.planRules);
    this.registrations = new RegistrationService(
      storage,
      this.apps,
      this.initialAccessTokens,
      config.issuer,
      this.access,
    );
    const signer = new JwsSigner();
    this.tokens = new TokenIssuer(keys, signer, config.issuer, config.audience, storage);
    this.lastUsed = new LastUsedRecorder(storage, { log: opts.logger });
    this.grantLastUsed = new LastUsedRecorder(storage, { log: opts.logger, kind: 'grants' });
    const clientKeys = new ClientKeys({ ...config.clientJwks, policy: config.webhooks.network }, (sealed) =>
      openSecret(sealed, secretKey),
    );
    const replay = new AssertionReplayGuard(storage, this.sharedLimits);
    const pushedRequests = new PushedRequestService(storage);
    this.pushedAuthorization = new PushedAuthorizationEndpoint(pushedRequests);
    this.oauthContext = {
      issuer: config.issuer,
      apps: this.apps,
      tokens: this.tokens,
      scopes: this.scopes,
      resources: this.resources,
      onClientUsed: (app) => this.lastUsed.record(app.id),
      metrics,
      assertions: {
        publicKeys: (app) => clientKeys.publicKeys(app),
        hmacSecrets: (app) => clientKeys.hmacSecrets(app),
        useJti: (clientId, jti, expiresAt) => replay.useJti(clientId, jti, expiresAt),
        tokenEndpoint: `${config.issuer}/oauth2/token`,
      },
      pushedRequests,
    };
    this.revocationFeed = new RevocationFeed(storage, bus, opts.logger);
    this.webhooks = new WebhookService(storage, {
      production: config.production,
      sealSecret: (secret) => sealSecret(secret, secretKey),
    });
    this.webhookDispatcher = new WebhookDispatcher(storage, {
      pollMs: config.webhooks.pollMs,
      timeoutMs: config.webhooks.timeoutMs,
      policy: config.webhooks.network,
      retryScheduleSeconds: config.webhooks.retryScheduleSeconds,
      concurrency: 8,
      openSecret: (sealed) => openSecret(sealed, secretKey),
      ...(opts.logger ? { log: opts.logger } : {}),
      metrics,
    });
    this.scryptPool = new ScryptPool(config.passwordHashing);
    this.passwordSignIn = new PasswordSignIn(storage, this.scryptPool, config.loginThrottle, {
      metrics,
      shared: this.sharedLimits,
    });
    this.backchannelLogouts = new BackchannelLogoutDispatcher(
      storage,
      new LogoutTokenIssuer(keys, signer, config.issuer),
      {
        pollMs: config.webhooks.pollMs,
        timeoutMs: config.webhooks.timeoutMs,
        policy: config.webhooks.network,
        retryScheduleSeconds: config.webhooks.retryScheduleSeconds,
        concurrency: 8,
        ...(opts.logger ? { log: opts.logger } : {}),
      },
    );
    this.sessions = new SessionService(storage, this.passwordSignIn, () => this.backchannelLogouts.wake());
    this.passwordResets = new PasswordResetService(storage, {
      baseUrl: config.issuer,
      mailer: this.mailer,
      requestThrottle: config.passwordResetThrottle,
      completeThrottle: config.loginThrottle,
      shared: this.sharedLimits,
      onReset: (user) => this.passwordSignIn.forgetFailures(user.email),
      log: opts.logger,
    });
    this.emailVerification = new EmailVerificationService(storage, {
      baseUrl: config.issuer,
      mailer: this.mailer,
      log: opts.logger,
    });
    this.authorization = new AuthorizationService(storage, this.tokens);
    this.flows = new AuthorizationFlows({
      issuer: config.issuer,
      apps: this.apps,
      authorization: this.authorization,
      sessions: this.sessions,
      access: this.access,
    });
    this.device = {
      endpoint: new DeviceAuthorizationEndpoint(
        storage,
        { verificationUri: `${config.issuer}/device`, ...DEFAULT_DEVICE_SETTINGS },
        opts.clock,
      ),
      verification: new DeviceVerification({
        store: storage,
        apps: this.apps,
        authorization: this.authorization,
        sessions: this.sessions,
        access: this.access,
        throttle: new UserCodeThrottle(
          config.userCodeThrottle ?? DEFAULT_USER_CODE_THROTTLE,
          this.sharedLimits,
        ),
      }),
    };
    this.upstreamSignIn = new UpstreamSignIn(
      storage,
      this.authorization,
      config.signIn,
      config.issuer,
      opts.logger,
    );
    this.loginDelegation = new LoginDelegation(
      storage,
      this.authorization,
      this.apps,
      new DelegatedUsers(storage, this.companies, this.userAdmin),
      config.signIn.delegation,
      config.issuer,
    );
    this.idTokens = new IdTokenIssuer(keys, signer, config.issuer);
    this.logout = new RpInitiatedLogout({
      apps: this.apps,
      hints: new IdTokenHints(keys, config.issuer),
      sessions: this.sessions,
    });
    this.dpop = new DpopVerifier({
      nonces: new DpopNonces(dpopNonceKey(config.serverSecret)),
      ledger: new UsedDpopProofs(storage, this.sharedLimits),
    });
    // Before the token endpoint: token exchange checks subject tokens through it.
    this.revocationIndex = new RevocationIndex(storage, {
      pollMs: config.invalidationPollMs,
      ...(opts.logger ? { log: opts.logger } : {}),
    });
    this.tokenInspector = new TokenInspector({
      storage,
      revocations: this.revocationIndex,
      apps: this.apps,
      keys,
      issuer: config.issuer,
      audience: config.audience,
      resourceAudiences: this.resources.uris,
    });
    this.tokenEndpoint = new TokenEndpoint(
      this.grantTypes,
      {
        issuer: config.issuer,
        tokens: this.tokens,
        scopes: this.scopes,
        resources: this.resources,
        onGrantUsed: (grantId) => this.grantLastUsed.record(grantId),
        companyGrants: this.grants,
        codes: storage,
        devices: storage,
        idTokens: this.idTokens,
        refreshTokens: storage,
        refreshReuseWindowSeconds: config.refreshReuseWindowSeconds,
        now: opts.clock ?? Date.now,
        inspector: this.tokenInspector,
        audit: storage,
        metrics,
      },
      this.dpop,
      `${config.issuer}/oauth2/token`,
    );
    this.revocation = new RevocationEndpoint({
      inspector: this.tokenInspector,
      storage,
      onRevoked: () => bus.publishLocal('revocations'),
    });
    this.introspection = new IntrospectionEndpoint({
      inspector: this.tokenInspector,
      issuer: config.issuer,
      audience: config.audience,
      resourceServers: this.resourceServers,
      grants: this.grants,
    });
    metrics?.watch({
      webhookBacklog: async () => {
        const { pending, oldestCreatedAt } = await storage.webhookBacklog();
        const age = oldestCreatedAt === null ? 0 : (Date.now() - oldestCreatedAt.getTime()) / 1000;
        return { pending, oldestAgeSeconds: Math.max(0, age) };
      },
      feedLagSeconds: () => ({
        invalidations: bus.lagSeconds(),
        revocations: this.revocationIndex.lagSeconds(),
      }),
      databasePool: () => storage.poolStats(),
    });
    if (config.redisUrl !== undefined) {
      const wake = new WakeChannel(config.redisUrl, config.redisPrefix, () => {
        void bus.poll();
        void this.revocationIndex.refresh();
      });
      bus.onLocalChange = () => wake.wake();
      storage.onRevocationsCommitted(() => wake.wake());
      this.wake = wake;
    }
    bus.subscribe((key) => {
      if (key.startsWith('client:')) void this.refreshImplicitInUse(opts.logger);
    });
    bus.subscribe((key) => {
      if (key === 'keys')
        void keys.reload().catch((err) => opts.logger?.error({ err }, 'reloading signing keys failed'));
    });
  }

  /** Opens storage (unless given), migrates, loads or creates signing keys. */
  static async open(config: Config, opts: GatehouseOptions = {}): Promise<Gatehouse> {
    const storage = opts.storage ?? openStorage(config.databaseUrl, { timeouts: config.databaseTimeouts });
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
    return authorizationServerMetadata({
      issuer: this.config.issuer,
      grantTypes: this.grantTypes.tokenGrantTypes,
      scopes: this.scopes.supported(),
      tokenPath: '/oauth2/token',
      extra: {
        authorization_endpoint: `${this.config.issuer}/oauth2/authorize`,
        response_types_supported: this.implicitInUse ? ['code', 'token'] : ['code'],
        response_modes_supported: this.implicitInUse ? ['query', 'fragment'] : ['query'],
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
        revocation_feed_endpoint: `${this.config.issuer}/oauth2/revocations`,
        revocation_endpoint: `${this.config.issuer}/oauth2/revoke`,
        revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS.map((m) => m.name),
        revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_SIGNING_ALGS,
        introspection_endpoint: `${this.config.issuer}/oauth2/introspect`,
        introspection_endpoint_auth_methods_supported: INTROSPECTION_AUTH_METHODS.map((m) => m.name),
        introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_SIGNING_ALGS,
        grant_resolution_endpoint: `${this.config.issuer}/oauth2/grants`,
        // The languages of the sign-in and consent pages (`ui_locales`, docs/branding.md).
        ui_locales_supported: LOCALES.map((l) => l.tag),
        device_authorization_endpoint: `${this.config.issuer}/oauth2/device_authorization`,
        pushed_authorization_request_endpoint: `${this.config.issuer}/oauth2/par`,
        // Per app (its require_pushed_authorization_requests), not for every client.
        require_pushed_authorization_requests: false,
        dpop_signing_alg_values_supported: DPOP_SIGNING_ALGS,
        // RFC 7591: with an initial access token from a company admin (docs/flows/registration.md).
        registration_endpoint: `${this.config.issuer}${REGISTRATION_PATH}`,
      },
    });
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
