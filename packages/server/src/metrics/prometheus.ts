import type * as PromClient from 'prom-client';
import type { Counter, Histogram, Registry } from 'prom-client';
import {
  type Metrics,
  type MetricsSources,
  RATE_LIMIT_BUCKETS,
  type RateLimitBucket,
  type TokenFormat,
  type WebhookOutcome,
} from './metrics.ts';

/** Seconds; the token endpoint answers in about a millisecond, a sign-in hashes for ~100 ms. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Methods with a label of their own; any other is counted as `other`. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** A scrape's answer: the text exposition and its content type. */
export interface Scrape {
  contentType: string;
  body: string;
}

/**
 * The primary's side of a cluster's metrics (`gatehouse serve --workers N`): asks every worker
 * for its registry over the IPC channel and sums them (prom-client's AggregatorRegistry; the
 * gauges that read the shared database take the workers' maximum instead, see `watch`).
 */
export async function clusterScraper(): Promise<() => Promise<Scrape>> {
  const prom = await loadPromClient();
  const aggregator = new prom.AggregatorRegistry();
  return async () => ({ contentType: aggregator.contentType, body: await aggregator.clusterMetrics() });
}

/** Observes one request's duration; bound to one (route, method, status). */
type Observe = (seconds: number) => void;

let loaded: typeof PromClient | undefined;

/**
 * Loads prom-client. A node with metrics off never does (it is about 10 MB of a process's
 * memory), so PrometheusMetrics is made by {@link PrometheusMetrics.create}, which loads it first.
 */
async function loadPromClient(): Promise<typeof PromClient> {
  loaded ??= await import('prom-client');
  return loaded;
}

/**
 * The Prometheus adapter: implements the services' {@link Metrics} port with prom-client on a
 * registry of its own (never the global one, so two servers in one process do not mix), adds
 * the HTTP layer's request histogram, process metrics (collectDefaultMetrics, event-loop delay
 * included) and the gauges read at each scrape from {@link MetricsSources}. Names and what to
 * alert on: docs/operations.md.
 */
export class PrometheusMetrics implements Metrics {
  readonly registry: Registry;
  private readonly requests: Histogram<'route' | 'method' | 'status'>;
  private readonly tokens: Counter<'grant_type' | 'token_format'>;
  private readonly authFailures: Counter<'method'>;
  private readonly limited: Counter<'bucket'>;
  private readonly reuse: Counter;
  private readonly webhooks: Counter<'outcome'>;
  private readonly sharedDown: Counter;
  /** grant type → format → the counter's child: a token counted without a label object. */
  private readonly issued = new Map<string, Record<TokenFormat, { inc(): void }>>();
  /** Set in a cluster worker: scrapes return the cluster's metrics. */
  private clusterScrape: (() => Promise<Scrape>) | undefined;
  /** route → method → status → the histogram's child: no key string is built per request. */
  private readonly observers = new Map<string, Map<string, Map<number, Observe>>>();

  /** Loads prom-client (the first time), then makes the adapter. */
  static async create(): Promise<PrometheusMetrics> {
    return new PrometheusMetrics(await loadPromClient());
  }

  private constructor(private readonly prom: typeof PromClient) {
    this.registry = new prom.Registry();
    const registers = [this.registry];
    // The standard names (process_*, nodejs_*), so stock Node.js dashboards read them.
    prom.collectDefaultMetrics({ register: this.registry });
    this.requests = new prom.Histogram({
      name: 'gatehouse_http_request_duration_seconds',
      help: 'HTTP requests by route pattern, method and status, and how long they took',
      labelNames: ['route', 'method', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.tokens = new prom.Counter({
      name: 'gatehouse_tokens_issued_total',
      help: 'Access tokens issued at the token endpoint, by grant type and token format',
      labelNames: ['grant_type', 'token_format'],
      registers,
    });
    this.authFailures = new prom.Counter({
      name: 'gatehouse_client_auth_failures_total',
      help: 'Client authentications that failed (invalid_client), by authentication method',
      labelNames: ['method'],
      registers,
    });
    this.limited = new prom.Counter({
      name: 'gatehouse_rate_limited_total',
      help: 'Requests refused with 429 by a rate limit or throttle, by bucket',
      labelNames: ['bucket'],
      registers,
    });
    for (const bucket of RATE_LIMIT_BUCKETS) this.limited.inc({ bucket }, 0);
    this.reuse = new prom.Counter({
      name: 'gatehouse_refresh_token_reuse_total',
      help: 'Rotated refresh tokens presented again outside the reuse window (their family revoked)',
      registers,
    });
    this.webhooks = new prom.Counter({
      name: 'gatehouse_webhook_attempts_total',
      help: 'Webhook delivery attempts, by outcome (delivered, retry, failed)',
      labelNames: ['outcome'],
      registers,
    });
    this.sharedDown = new prom.Counter({
      name: 'gatehouse_shared_limits_fallbacks_total',
      help: 'Limit checks decided by this node alone because Redis (REDIS_URL) did not answer',
      registers,
    });
  }

  /** Registers the gauges read at each scrape. Call once. */
  watch(sources: MetricsSources): void {
    const prom = this.prom;
    const registers = [this.registry];
    const backlog = { pending: 0, oldestAgeSeconds: 0 };
    let read: Promise<void> | undefined;
    // One query per scrape for both webhook gauges, whichever is collected first.
    const readBacklog = (): Promise<void> => {
      if (read === undefined)
        read = sources
          .webhookBacklog()
          .then((b) => {
            backlog.pending = b.pending;
            backlog.oldestAgeSeconds = b.oldestAgeSeconds;
          })
          .finally(() => {
            read = undefined;
          });
      return read;
    };
    new prom.Gauge({
      name: 'gatehouse_webhook_outbox_pending',
      help: 'Webhook deliveries waiting in the outbox (every node)',
      registers,
      // Read from the shared database: a cluster's workers all see the same figure.
      aggregator: 'max',
      async collect() {
        await readBacklog();
        this.set(backlog.pending);
      },
    });
    new prom.Gauge({
      name: 'gatehouse_webhook_outbox_oldest_pending_seconds',
      help: 'Age of the oldest pending webhook delivery (0 when none)',
      registers,
      aggregator: 'max',
      async collect() {
        await readBacklog();
        this.set(backlog.oldestAgeSeconds);
      },
    });
    new prom.Gauge({
      name: 'gatehouse_feed_lag_seconds',
      help: 'Seconds since this node last read a feed to its end (invalidations, revocations)',
      labelNames: ['feed'],
      registers,
      // Across a cluster's workers, the one furthest behind.
      aggregator: 'max',
      collect() {
        const lag = sources.feedLagSeconds();
        this.set({ feed: 'invalidations' }, lag.invalidations);
        this.set({ feed: 'revocations' }, lag.revocations);
      },
    });
    new prom.Gauge({
      name: 'gatehouse_db_pool_connections',
      help: 'PostgreSQL pool connections by state (total, idle, waiting callers, max); absent on SQLite',
      labelNames: ['state'],
      registers,
      collect() {
        const pool = sources.databasePool();
        if (pool === undefined) return;
        this.set({ state: 'total' }, pool.total);
        this.set({ state: 'idle' }, pool.idle);
        this.set({ state: 'waiting' }, pool.waiting);
        this.set({ state: 'max' }, pool.max);
      },
    });
  }

  /**
   * The observer for one (route pattern, method, status), made on first sight and kept: the
   * label sets are bounded (routes are the router's patterns, methods and statuses few).
   */
  requestObserver(route: string, method: string, status: number): Observe {
    let byMethod = this.observers.get(route);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.observers.set(route, byMethod);
    }
    const m = METHODS.has(method) ? method : 'other';
    let byStatus = byMethod.get(m);
    if (byStatus === undefined) {
      byStatus = new Map();
      byMethod.set(m, byStatus);
    }
    let observe = byStatus.get(status);
    if (observe === undefined) {
      const child = this.requests.labels(route, m, String(status));
      observe = (seconds) => child.observe(seconds);
      byStatus.set(status, observe);
    }
    return observe;
  }

  /**
   * The text exposition (and its content type) for a scrape: this process's registry, or in a
   * cluster worker ({@link joinCluster}) the whole cluster's, aggregated by the primary.
   */
  async scrape(): Promise<Scrape> {
    if (this.clusterScrape) return this.clusterScrape();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /**
   * Makes this process a cluster worker's share of the metrics (`gatehouse serve --workers N`):
   * it answers the primary's requests for its registry (prom-client's cluster protocol over
   * the IPC channel), and a scrape of /metrics here returns `clusterScrape()`, the sum over
   * every worker that the primary aggregates.
   */
  joinCluster(clusterScrape: () => Promise<Scrape>): void {
    this.prom.AggregatorRegistry.setRegistries([this.registry]);
    // Constructing one installs the worker's listener for the primary's requests.
    new this.prom.AggregatorRegistry();
    this.clusterScrape = clusterScrape;
  }

  tokenIssued(grantType: string, format: TokenFormat): void {
    let byFormat = this.issued.get(grantType);
    if (byFormat === undefined) {
      // Grant types are the registered ones (the endpoint refuses others before this).
      byFormat = {
        jwt: this.tokens.labels(grantType, 'jwt'),
        opaque: this.tokens.labels(grantType, 'opaque'),
      };
      this.issued.set(grantType, byFormat);
    }
    byFormat[format].inc();
  }

  clientAuthFailed(method: string): void {
    this.authFailures.inc({ method });
  }

  rateLimited(bucket: RateLimitBucket): void {
    this.limited.inc({ bucket });
  }

  refreshReuseDetected(): void {
    this.reuse.inc();
  }

  webhookAttempt(outcome: WebhookOutcome): void {
    this.webhooks.inc({ outcome });
  }

  sharedLimiterUnavailable(): void {
    this.sharedDown.inc();
  }
}
