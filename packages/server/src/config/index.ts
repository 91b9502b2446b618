import { join, resolve } from 'node:path';
import { MIN_TOKEN_TTL as DEFAULT_MIN_TOKEN_TTL } from '../apps/validation.ts';
import {
  DEFAULT_LOGIN_IN_FLIGHT,
  DEFAULT_LOGIN_THROTTLE,
  type LoginThrottleConfig,
} from '../authorization/login-throttle.ts';
import type { UserCodeThrottleConfig } from '../authorization/user-code-throttle.ts';
import { DEFAULT_PLAN_RULES, type PlanRules } from '../companies/access-policy.ts';
import { type ClientAuthThrottleConfig, DEFAULT_CLIENT_AUTH_THROTTLE } from '../http/client-auth-throttle.ts';
import type { HttpTimeouts } from '../http/timeouts.ts';
import { type KeyRotationConfig, parseKeyRotation } from '../keys/schedule.ts';
import { DEFAULT_SCOPE_CATALOG, type ScopeCatalog } from '../oauth/scopes/catalog.ts';
import { loadScopeCatalogFile } from '../oauth/scopes/catalog-file.ts';
import { DEFAULT_THEME, type Theme } from '../pages/theme.ts';
import type { DatabaseTimeouts } from '../storage/sql/connect.ts';
import { DEFAULT_RESET_REQUEST_THROTTLE } from '../users/password-reset-service.ts';
import { DEFAULT_SCRYPT_POOL, type ScryptPoolConfig } from '../users/scrypt-pool.ts';
import { type MailConfig, mailConfig } from './mail.ts';
import {
  databaseTimeouts,
  httpTimeouts,
  metricsConfig,
  parseAppCacheSize,
  parseCount,
  parseFlag,
  parseInterval,
  parseMinTokenTtl,
  parsePlans,
  parsePort,
  parsePrefixes,
  parseRate,
  parseReuseWindow,
  parseTimeout,
  parseTrustProxy,
} from './parse.ts';
import { resolveServerSecret } from './secret.ts';
import { type SignInConfig, signInConfig } from './sign-in.ts';
import { loadThemeFile } from './theme.ts';
import { type WebhookConfig, webhookConfig } from './webhooks.ts';

export type { WebhookConfig };

/**
 * The one place where Gatehouse's settings and their defaults live. Every module receives
 * only the slice it needs. docs/configuration.md documents each field; keep them in step.
 */
export interface Config {
  /** Interface to bind. `HOST`, default 127.0.0.1 (never all interfaces by accident). */
  host: string;
  /** `PORT`, default 4000. */
  port: number;
  /** Public base URL; the `iss` of every token. `GATEHOUSE_ISSUER`, default http://HOST:PORT. */
  issuer: string;
  /** `aud` of access tokens. `GATEHOUSE_AUDIENCE`, default `${issuer}/api`. */
  audience: string;
  /** `DATABASE_URL`: postgres://... selects PostgreSQL; otherwise a SQLite file. */
  databaseUrl: string;
  /** `GATEHOUSE_DATA_DIR`, default ./data: SQLite file and the generated server secret. */
  dataDir: string;
  /** `GATEHOUSE_SECRET`: encrypts signing keys at rest. Generated into dataDir if unset. */
  serverSecret: string;
  /** True when the server secret was generated rather than configured. */
  serverSecretGenerated: boolean;
  /** Paths that answer like /oauth2/token. `GATEHOUSE_TOKEN_PATH_ALIASES`, comma separated. */
  tokenPathAliases: string[];
  /** `NODE_ENV=production` turns warnings about unsafe defaults into refusals where it matters. */
  production: boolean;
  /** `LOG_LEVEL`, default info (warn under test). */
  logLevel: string;
  /** `TRUST_PROXY`: `true`, or comma-separated proxy addresses/CIDRs whose X-Forwarded-* to trust. Default off. */
  trustProxy: boolean | string;
  /** How often a node polls for cache invalidations written by other nodes (ms). */
  invalidationPollMs: number;
  /**
   * Apps (with their secrets) each node keeps in memory by client_id, least recently used
   * out first. `GATEHOUSE_APP_CACHE_SIZE`, default 50,000: about 2 KB each, so up to
   * ~100 MB; a miss costs a database round trip. Size it to the apps busy at once.
   */
  appCacheSize: number;
  /** Scopes apps may hold. `GATEHOUSE_SCOPE_CATALOG`: a JSON file; default: the built-in catalog. */
  scopeCatalog: ScopeCatalog;
  /** `GATEHOUSE_MAINTENANCE=1`: every request but /healthz and /readyz gets 503 with Retry-After. */
  maintenance: boolean;
  /** Removed API versions: paths under these prefixes get 410. `GATEHOUSE_RETIRED_PATHS`, comma separated. */
  retiredPathPrefixes: string[];
  /** Token endpoint rate limits, per node. See {@link RateLimitConfig}. */
  tokenRateLimit: RateLimitConfig;
  /**
   * Failed client authentications allowed per (client_id, address) and per address at the
   * token, revocation and introspection endpoints. See http/client-auth-throttle.ts.
   */
  clientAuthThrottle: ClientAuthThrottleConfig;
  /** Webhook delivery settings (see docs/webhooks.md). */
  webhooks: WebhookConfig;
  /**
   * How apps' `jwks_uri` key sets are fetched for private_key_jwt (docs/client-authentication.md),
   * under the webhooks' network policy (`GATEHOUSE_WEBHOOK_NETWORK`):
   * `GATEHOUSE_JWKS_URI_TIMEOUT_MS` (default 3000), `GATEHOUSE_JWKS_URI_CACHE_MS` (default 600000:
   * keys are fetched again after it), `GATEHOUSE_JWKS_URI_COOLDOWN_MS` (default 30000: an unknown
   * kid fetches again at most this often per URI).
   */
  clientJwks: { timeoutMs: number; cacheMaxAgeMs: number; cooldownMs: number };
  /** Which company plans unlock creating apps and granting access. */
  planRules: PlanRules;
  /** How often a node prunes expired rows (ms). `GATEHOUSE_HOUSEKEEPING_MS`, default 10 min; 0 disables. */
  housekeepingIntervalMs: number;
  /**
   * Scheduled signing-key rotation. `GATEHOUSE_KEY_ROTATION_DAYS` (default 30, 0 off) and
   * `GATEHOUSE_KEY_PREPUBLISH_HOURS` (default 24). See keys/schedule.ts.
   */
  keyRotation: KeyRotationConfig;
  /** Failed sign-ins allowed per account and per address. See authorization/login-throttle.ts. */
  loginThrottle: LoginThrottleConfig;
  /** Device user-code guesses per session and per address; default authorization/user-code-throttle.ts. */
  userCodeThrottle?: UserCodeThrottleConfig;
  /**
   * Sign-ins' scrypt threads (`GATEHOUSE_SCRYPT_THREADS`, default min(2, cores); 128 MiB each
   * while hashing) and the hashes that may wait for one (`GATEHOUSE_SCRYPT_QUEUE`, default 32;
   * beyond it a sign-in gets 503 with Retry-After). See users/scrypt-pool.ts.
   */
  passwordHashing: ScryptPoolConfig;
  /**
   * The shortest access-token lifetime an app may be given, in seconds.
   * `GATEHOUSE_MIN_TOKEN_TTL`, default 60. Lower only for tests and demos (a client's
   * renewal seen in seconds); tokens that short mean a token request per API call or two.
   */
  minTokenTtlSeconds: number;
  /**
   * Seconds after a refresh-token rotation during which presenting the rotated token again
   * (its successor still unused) gets a fresh pair instead of revoking the family: a lost
   * answer retried, two tabs refreshing at once. `GATEHOUSE_REFRESH_REUSE_WINDOW`, default 10,
   * 0 to 300; 0 turns it off. Apps may override it. See docs/tokens.md.
   */
  refreshReuseWindowSeconds: number;
  /**
   * client_ids of the resource servers that may introspect every access token (RFC 7662).
   * Other apps may introspect only their own. `GATEHOUSE_INTROSPECTION_CLIENTS`, comma separated.
   */
  introspectionClients: string[];
  /** How long storage waits on the database. `GATEHOUSE_DB_*_TIMEOUT_MS`, `GATEHOUSE_SQLITE_BUSY_TIMEOUT_MS`. */
  databaseTimeouts: DatabaseTimeouts;
  /**
   * PostgreSQL: run queries as named prepared statements, parsed and planned once per
   * connection. `GATEHOUSE_DB_PREPARED_STATEMENTS`, default on; turn it off behind a pooler
   * that cannot keep them (PgBouncer in transaction mode before 1.21).
   */
  databasePreparedStatements: boolean;
  /** /readyz answers 503 when the database has not answered within this. `GATEHOUSE_READYZ_TIMEOUT_MS`, default 2000. */
  readyzTimeoutMs: number;
  /** Request, header, idle and keep-alive timeouts of the HTTP server. `GATEHOUSE_HTTP_*_TIMEOUT_MS`. */
  httpTimeouts: HttpTimeouts;
  /** Prometheus metrics at /metrics; off unless a port or a token is set. See {@link MetricsConfig}. */
  metrics: MetricsConfig;
  /**
   * `REDIS_URL`: the token endpoint's, grant resolution's and sign-in's limits are shared by every
   * node through this Redis (falling back to each node's own while it is unreachable). Unset: per node.
   */
  redisUrl: string | undefined;
  /** `GATEHOUSE_REDIS_PREFIX`, default `gatehouse`: the start of every Redis key (one per deployment). */
  redisPrefix: string;
  /** Local passwords on or off, and the upstream OpenID Connect providers. See config/sign-in.ts. */
  signIn: SignInConfig;
  /**
   * Password-reset requests allowed per e-mail address and per client address (every request
   * counts, known address or not). `GATEHOUSE_RESET_RATE_ADDRESS` (default 1/600,3) and
   * `GATEHOUSE_RESET_RATE_IP` (default 1/60,10) as `<per second>,<burst>`.
   */
  passwordResetThrottle: LoginThrottleConfig;
  /** Where password-reset, verification and invitation mails go: SMTP, or the log. See config/mail.ts. */
  mail: MailConfig;
  /** The brand of every page. `GATEHOUSE_THEME`: a JSON file (docs/branding.md); default Gatehouse's. */
  theme: Theme;
}

/**
 * `GATEHOUSE_METRICS_PORT`: serve /metrics on this port (same HOST), apart from the API.
 * `GATEHOUSE_METRICS_TOKEN`: require `Authorization: Bearer <token>` for /metrics; with no
 * port, /metrics is served on the main port. Neither set: no metrics, and nothing is measured.
 */
export interface MetricsConfig {
  port: number | undefined;
  token: string | undefined;
}

/**
 * Token buckets on the token endpoint, one per client_id and one per client IP, each in
 * this node's memory (N nodes allow N times the rate). A rate of 0 turns that bucket off.
 * `GATEHOUSE_TOKEN_RATE_CLIENT` / `GATEHOUSE_TOKEN_RATE_IP` as `<per second>,<burst>`.
 * The defaults only stop floods: they sit above what one node can sign per second.
 */
export interface RateLimitConfig {
  perClient: { perSecond: number; burst: number };
  perIp: { perSecond: number; burst: number };
}

export const DEFAULT_TOKEN_RATE_LIMIT: RateLimitConfig = {
  perClient: { perSecond: 10_000, burst: 20_000 },
  perIp: { perSecond: 20_000, burst: 40_000 },
};

export { DEFAULT_APP_CACHE_SIZE, DEFAULT_RETIRED_PATH_PREFIXES } from './parse.ts';

export const DEFAULT_TOKEN_PATH_ALIASES = ['/oauth/v1/token', '/oauth/token', '/v1/oauth2/token'];

export { resolveServerSecret };

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  overrides?: Partial<Config>;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const o = options.overrides ?? {};
  const host = o.host ?? env.HOST ?? '127.0.0.1';
  const port = o.port ?? parsePort(env.PORT, 4000);
  const issuer = (
    o.issuer ??
    env.GATEHOUSE_ISSUER ??
    `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  ).replace(/\/+$/, '');
  const dataDir = resolve(o.dataDir ?? env.GATEHOUSE_DATA_DIR ?? 'data');
  const databaseUrl = o.databaseUrl ?? env.DATABASE_URL ?? `sqlite:${join(dataDir, 'gatehouse.db')}`;
  const serverSecret =
    o.serverSecret !== undefined
      ? { secret: o.serverSecret, generated: o.serverSecretGenerated ?? false }
      : resolveServerSecret(env, dataDir);
  const aliases =
    o.tokenPathAliases ??
    (env.GATEHOUSE_TOKEN_PATH_ALIASES !== undefined
      ? env.GATEHOUSE_TOKEN_PATH_ALIASES.split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : DEFAULT_TOKEN_PATH_ALIASES);
  for (const a of aliases)
    if (!a.startsWith('/')) throw new Error(`token path alias must start with "/": ${a}`);
  const production = o.production ?? env.NODE_ENV === 'production';
  const theme = o.theme ?? (env.GATEHOUSE_THEME ? loadThemeFile(env.GATEHOUSE_THEME) : DEFAULT_THEME);
  return {
    host,
    port,
    issuer,
    audience: o.audience ?? env.GATEHOUSE_AUDIENCE ?? `${issuer}/api`,
    databaseUrl,
    dataDir,
    serverSecret: serverSecret.secret,
    serverSecretGenerated: serverSecret.generated,
    tokenPathAliases: aliases,
    production,
    logLevel: o.logLevel ?? env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'warn' : 'info'),
    trustProxy: o.trustProxy ?? parseTrustProxy(env.TRUST_PROXY),
    invalidationPollMs: o.invalidationPollMs ?? Number(env.GATEHOUSE_INVALIDATION_POLL_MS ?? 250),
    appCacheSize: o.appCacheSize ?? parseAppCacheSize(env.GATEHOUSE_APP_CACHE_SIZE),
    scopeCatalog:
      o.scopeCatalog ??
      (env.GATEHOUSE_SCOPE_CATALOG
        ? loadScopeCatalogFile(env.GATEHOUSE_SCOPE_CATALOG)
        : DEFAULT_SCOPE_CATALOG),
    maintenance: o.maintenance ?? parseFlag('GATEHOUSE_MAINTENANCE', env.GATEHOUSE_MAINTENANCE),
    retiredPathPrefixes: o.retiredPathPrefixes ?? parsePrefixes(env.GATEHOUSE_RETIRED_PATHS),
    tokenRateLimit: o.tokenRateLimit ?? {
      perClient: parseRate(
        'GATEHOUSE_TOKEN_RATE_CLIENT',
        env.GATEHOUSE_TOKEN_RATE_CLIENT,
        DEFAULT_TOKEN_RATE_LIMIT.perClient,
      ),
      perIp: parseRate(
        'GATEHOUSE_TOKEN_RATE_IP',
        env.GATEHOUSE_TOKEN_RATE_IP,
        DEFAULT_TOKEN_RATE_LIMIT.perIp,
      ),
    },
    clientAuthThrottle: o.clientAuthThrottle ?? {
      perClientAddress: parseRate(
        'GATEHOUSE_CLIENT_AUTH_FAILURES_CLIENT',
        env.GATEHOUSE_CLIENT_AUTH_FAILURES_CLIENT,
        DEFAULT_CLIENT_AUTH_THROTTLE.perClientAddress,
      ),
      perIp: parseRate(
        'GATEHOUSE_CLIENT_AUTH_FAILURES_IP',
        env.GATEHOUSE_CLIENT_AUTH_FAILURES_IP,
        DEFAULT_CLIENT_AUTH_THROTTLE.perIp,
      ),
    },
    webhooks: o.webhooks ?? webhookConfig(env, production),
    clientJwks: o.clientJwks ?? {
      timeoutMs: parseInterval('GATEHOUSE_JWKS_URI_TIMEOUT_MS', env.GATEHOUSE_JWKS_URI_TIMEOUT_MS, 3000),
      cacheMaxAgeMs: parseInterval('GATEHOUSE_JWKS_URI_CACHE_MS', env.GATEHOUSE_JWKS_URI_CACHE_MS, 600_000),
      cooldownMs: parseInterval('GATEHOUSE_JWKS_URI_COOLDOWN_MS', env.GATEHOUSE_JWKS_URI_COOLDOWN_MS, 30_000),
    },
    keyRotation: o.keyRotation ?? parseKeyRotation(env),
    housekeepingIntervalMs:
      o.housekeepingIntervalMs ??
      parseInterval('GATEHOUSE_HOUSEKEEPING_MS', env.GATEHOUSE_HOUSEKEEPING_MS, 600_000),
    loginThrottle: o.loginThrottle ?? {
      perAccount: parseRate(
        'GATEHOUSE_LOGIN_RATE_ACCOUNT',
        env.GATEHOUSE_LOGIN_RATE_ACCOUNT,
        DEFAULT_LOGIN_THROTTLE.perAccount,
      ),
      perIp: parseRate('GATEHOUSE_LOGIN_RATE_IP', env.GATEHOUSE_LOGIN_RATE_IP, DEFAULT_LOGIN_THROTTLE.perIp),
      inFlight: {
        perAccount: parseCount(
          'GATEHOUSE_LOGIN_IN_FLIGHT_ACCOUNT',
          env.GATEHOUSE_LOGIN_IN_FLIGHT_ACCOUNT,
          DEFAULT_LOGIN_IN_FLIGHT.perAccount,
        ),
        perIp: parseCount(
          'GATEHOUSE_LOGIN_IN_FLIGHT_IP',
          env.GATEHOUSE_LOGIN_IN_FLIGHT_IP,
          DEFAULT_LOGIN_IN_FLIGHT.perIp,
        ),
      },
    },
    passwordHashing: o.passwordHashing ?? {
      threads: parseCount(
        'GATEHOUSE_SCRYPT_THREADS',
        env.GATEHOUSE_SCRYPT_THREADS,
        DEFAULT_SCRYPT_POOL.threads,
      ),
      queueLimit: parseCount(
        'GATEHOUSE_SCRYPT_QUEUE',
        env.GATEHOUSE_SCRYPT_QUEUE,
        DEFAULT_SCRYPT_POOL.queueLimit,
        0,
      ),
    },
    planRules: o.planRules ?? {
      createApps: parsePlans(env.GATEHOUSE_PLANS_CREATE_APPS, DEFAULT_PLAN_RULES.createApps),
      grantAccess: parsePlans(env.GATEHOUSE_PLANS_GRANT_ACCESS, DEFAULT_PLAN_RULES.grantAccess),
    },
    minTokenTtlSeconds: o.minTokenTtlSeconds ?? parseMinTokenTtl(env.GATEHOUSE_MIN_TOKEN_TTL),
    refreshReuseWindowSeconds:
      o.refreshReuseWindowSeconds ?? parseReuseWindow(env.GATEHOUSE_REFRESH_REUSE_WINDOW),
    introspectionClients: o.introspectionClients ?? parsePlans(env.GATEHOUSE_INTROSPECTION_CLIENTS, []),
    databaseTimeouts: o.databaseTimeouts ?? databaseTimeouts(env),
    databasePreparedStatements:
      o.databasePreparedStatements ??
      (env.GATEHOUSE_DB_PREPARED_STATEMENTS === undefined ||
        parseFlag('GATEHOUSE_DB_PREPARED_STATEMENTS', env.GATEHOUSE_DB_PREPARED_STATEMENTS)),
    readyzTimeoutMs: o.readyzTimeoutMs ?? parseTimeout('GATEHOUSE_READYZ_TIMEOUT_MS', env, 2_000, 1),
    httpTimeouts: o.httpTimeouts ?? httpTimeouts(env),
    signIn: o.signIn ?? signInConfig(env),
    mail: o.mail ?? mailConfig(env, issuer, theme.productName),
    passwordResetThrottle: o.passwordResetThrottle ?? {
      perAccount: parseRate(
        'GATEHOUSE_RESET_RATE_ADDRESS',
        env.GATEHOUSE_RESET_RATE_ADDRESS,
        DEFAULT_RESET_REQUEST_THROTTLE.perAccount,
      ),
      perIp: parseRate(
        'GATEHOUSE_RESET_RATE_IP',
        env.GATEHOUSE_RESET_RATE_IP,
        DEFAULT_RESET_REQUEST_THROTTLE.perIp,
      ),
      inFlight: DEFAULT_RESET_REQUEST_THROTTLE.inFlight,
    },
    theme,
    metrics: o.metrics ?? metricsConfig(env),
    redisUrl: o.redisUrl ?? (env.REDIS_URL || undefined),
    redisPrefix: o.redisPrefix ?? (env.GATEHOUSE_REDIS_PREFIX || 'gatehouse'),
  };
}

/** Defaults that are fine on a laptop and wrong in production, said loudly at start. */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.serverSecretGenerated)
    warnings.push(
      `GATEHOUSE_SECRET is not set: signing keys are encrypted with a generated secret in ${join(config.dataDir, 'server-secret')}. Set GATEHOUSE_SECRET in production and keep it out of the database's backups.`,
    );
  if (config.production && config.issuer.startsWith('http://'))
    warnings.push(`The issuer ${config.issuer} is not https: tokens and cookies travel in clear text.`);
  if (config.production && config.databaseUrl.startsWith('sqlite:'))
    warnings.push('SQLite in production runs a single node; use DATABASE_URL=postgres://... to run several.');
  if (config.minTokenTtlSeconds < DEFAULT_MIN_TOKEN_TTL)
    warnings.push(
      `GATEHOUSE_MIN_TOKEN_TTL is ${config.minTokenTtlSeconds} s: apps may get access tokens shorter than a minute. Lower it only for tests and demos.`,
    );
  if (config.maintenance)
    warnings.push('GATEHOUSE_MAINTENANCE is on: every request but /healthz and /readyz is answered 503.');
  if (config.httpTimeouts.requestMs === 0)
    warnings.push(
      'GATEHOUSE_HTTP_REQUEST_TIMEOUT_MS is 0: a client sending its request slowly holds a connection open without end. Leave it off only behind a proxy that bounds requests itself.',
    );
  for (const u of config.signIn.upstreams)
    if (config.production && u.issuer.startsWith('http://'))
      warnings.push(
        `The upstream ${u.id} (${u.issuer}) is not https: its answers can be read and forged on the way.`,
      );
  const login = config.signIn.delegation;
  if (config.production && login?.url.startsWith('http://'))
    warnings.push(`GATEHOUSE_LOGIN_URL (${login.url}) is not https: login challenges travel in clear text.`);
  if (config.production && config.mail.smtpUrl === undefined)
    warnings.push(
      'SMTP_URL is not set: password-reset, verification and invitation mails are only written to the log.',
    );
  return warnings;
}
