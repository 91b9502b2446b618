// The layers of docs/architecture.md, checked by `npm run lint` (and so by `npm test`):
//
//   http/, console/, cli/  →  services (apps/, users/, audit/, webhooks/, ...)  →  storage interfaces
//
// Each rule's `comment` says what it protects; a violation prints the rule's name and comment.
// test/layering.test.ts shows every rule failing on a deliberate violation.

const SERVER = '^packages/server/src/';
/** Packages that talk HTTP or SQL: the protocol core stays free of them. */
const FRAMEWORK_OR_SQL =
  '(^|/)node_modules/(fastify|@fastify/[^/]+|fastify-plugin|light-my-request|kysely|pg|pg-pool|better-sqlite3)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-storage-outside-services',
      comment:
        'http/, console/ and cli/ translate requests and commands (pages/ renders them, demo/ seeds through ' +
        'the same calls); they reach data only through the ' +
        'services (apps/, users/, audit/, companies/, webhooks/, ...), which alone import storage/. A ' +
        'route or command that reads storage skips the rules a service holds: company scoping, the ' +
        'audit event, cache invalidation, webhook events. Call (or add) a service method; domain types ' +
        'come re-exported from the service that deals in them.',
      severity: 'error',
      from: { path: `${SERVER}(http|console|cli|pages|demo)/` },
      to: { path: `${SERVER}storage/` },
    },
    {
      name: 'services-below-presentation',
      comment:
        'Services, the oauth core and storage are called by http/, console/ and cli/, never the other ' +
        'way round: a service that imports a route, a console page or a command cannot be used by ' +
        'the other two, nor tested without it. Exempt: the composition (server.ts, index.ts), config/ ' +
        "(it gathers every module's settings and defaults, the HTTP layer's included, into one " +
        'documented schema, so it sits above them all) and the rendering modules (pages/). ' +
        "primary.ts is the composition of a cluster's primary process (cli serve --workers).",
      severity: 'error',
      from: {
        path: SERVER,
        pathNot: `${SERVER}(http|console|cli|pages|config)/|${SERVER}(server|primary|index)\\.ts$`,
      },
      to: { path: `${SERVER}(http|console|cli)/` },
    },
    {
      name: 'oauth-core-without-framework-or-sql',
      comment:
        'src/oauth/ is the protocol core (grants, client authentication, endpoints, errors in RFC terms). ' +
        'It knows no Fastify and no SQL: it is unit-tested without a server or a database, and it ' +
        'reaches data through the storage interfaces and the services, never through storage/sql/.',
      severity: 'error',
      from: { path: `${SERVER}oauth/` },
      to: { path: [`${SERVER}storage/sql/`, FRAMEWORK_OR_SQL] },
    },
    {
      name: 'storage-interfaces-without-implementation',
      comment:
        'storage/*.ts are the interfaces and the records the services see; storage/sql/ implements them. ' +
        'An interface that imports its implementation ties every caller to SQL and rules out any other ' +
        'implementation. Shared types live beside the interfaces.',
      severity: 'error',
      from: { path: `${SERVER}storage/[^/]+$` },
      to: { path: `${SERVER}storage/sql/` },
    },
    {
      name: 'sdks-without-server',
      comment:
        "@gatehouse/resource-server and @gatehouse/client run inside other people's APIs and apps: they " +
        'must not pull in the authorization server (its database drivers, Fastify, its secrets). Code ' +
        'both sides need goes to a small shared package (as @gatehouse/scopes).',
      severity: 'error',
      from: { path: '^packages/(resource-server|client)/src/' },
      to: { path: ['^packages/server/', '(^|/)node_modules/@gatehouse/server/'] },
    },
    {
      name: 'metrics-through-the-port',
      comment:
        'The services report what they measure through the Metrics port (src/metrics/metrics.ts); only the ' +
        'Prometheus adapter (src/metrics/prometheus.ts) imports prom-client. A service that imported it ' +
        'would measure even with metrics off, and could not be tested or run without a registry.',
      severity: 'error',
      from: { path: SERVER, pathNot: `${SERVER}metrics/prometheus\\.ts$` },
      to: { path: '(^|/)node_modules/prom-client/' },
    },
    {
      name: 'redis-inside-limits',
      comment:
        'Redis is reached only through src/limits/ (SharedLimits, and WakeChannel for pub/sub), which holds ' +
        'the rule that a Redis failure never refuses a request (the node decides alone). Routes and services take SharedLimits; ' +
        'importing ioredis or rate-limiter-flexible elsewhere would bypass that rule.',
      severity: 'error',
      from: { path: SERVER, pathNot: `${SERVER}limits/` },
      to: { path: '(^|/)node_modules/(ioredis|rate-limiter-flexible)/' },
    },
    {
      name: 'no-cycles',
      comment:
        'Modules in a cycle can only be read, tested and loaded together, and under ESM one of them can ' +
        'see the other half-initialised. Break it by moving what both need into a module both import.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    exclude: { path: '^packages/[^/]+/(dist|coverage)/' },
    // Type-only imports count: a route that imports a storage type depends on storage all the same.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      // Workspace packages as their sources, as tsconfig.json's customConditions has them.
      conditionNames: ['@gatehouse/source', 'import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts', '.json'],
    },
  },
};
