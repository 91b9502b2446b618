import cookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { managementApiRoutes } from '../console/api/index.ts';
import { consoleRoutes } from '../console/routes/index.ts';
import type { Gatehouse } from '../gatehouse.ts';
import { availabilityCheck } from './availability.ts';
import { clientErrorHandler } from './client-errors.ts';
import { registerEdgeChecks } from './edge-checks.ts';
import { refuseUnroutable, registerErrorHandling } from './errors.ts';
import { checkRequestTarget, inputFamily } from './input-guard.ts';
import { registerMetrics } from './metrics.ts';
import { registerNotAcceptable } from './not-acceptable.ts';
import { registerPageBrand } from './page-ui.ts';
import { type EndpointLimiter, TokenEndpointLimiter } from './rate-limit.ts';
import { lazyChildLoggerFactory } from './request-logger.ts';
import { authorizeRoutes } from './routes/authorize.ts';
import { deviceAuthorizationRoutes, deviceRoutes } from './routes/device.ts';
import { emailVerificationRoutes } from './routes/email-verification.ts';
import { endSessionRoutes } from './routes/end-session.ts';
import { grantResolutionRoutes } from './routes/grant-resolution.ts';
import { healthRoutes } from './routes/health.ts';
import { introspectRoutes } from './routes/introspect.ts';
import { invitationRoutes } from './routes/invitations.ts';
import { loginDelegationRoutes } from './routes/login-delegation.ts';
import { openIdRoutes } from './routes/openid.ts';
import { pageAssetRoutes } from './routes/page-assets.ts';
import { parRoutes } from './routes/par.ts';
import { passwordResetRoutes } from './routes/password-reset.ts';
import { registrationRoutes } from './routes/registration.ts';
import { revocationFeedRoutes } from './routes/revocation-feed.ts';
import { revokeRoutes } from './routes/revoke.ts';
import { acceptRawBodies, tokenRoutes } from './routes/token.ts';
import { upstreamSignInRoutes } from './routes/upstream-sign-in.ts';
import { wellKnownRoutes } from './routes/well-known.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { SharedTokenEndpointLimiter } from './shared-rate-limit.ts';
import { serverTimeoutOptions } from './timeouts.ts';

/**
 * The token endpoint's limits (the grant-resolution endpoint has its own address buckets):
 * shared through Redis when REDIS_URL is set, else in this node's memory.
 */
function endpointLimiter(
  gh: Gatehouse,
  addressBucket: 'token_address' | 'grant_resolution_address',
): EndpointLimiter {
  const { tokenRateLimit, clientAuthThrottle } = gh.config;
  const opts = { metrics: gh.metrics, addressBucket };
  return gh.sharedLimits
    ? new SharedTokenEndpointLimiter(gh.sharedLimits, tokenRateLimit, clientAuthThrottle, opts)
    : new TokenEndpointLimiter(tokenRateLimit, clientAuthThrottle, opts);
}

/** Builds the Fastify app on top of a wired Gatehouse. Tests drive it with `inject`. */
export async function buildHttpApp(gh: Gatehouse, logger: Logger): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    trustProxy: gh.config.trustProxy,
    bodyLimit: 1024 * 1024,
    // Request ids come from us, never from a client-supplied header.
    genReqId: () => crypto.randomUUID(),
    // request.log is built on its first line, not on every request (request-logger.ts).
    childLoggerFactory: lazyChildLoggerFactory,
    // Per-request lines only at debug: at info they would cost the token endpoint ~15%.
    logController: new LogController({
      disableRequestLogging: gh.config.logLevel !== 'debug' && gh.config.logLevel !== 'trace',
    }),
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
    // Paths the router cannot decode answer like any refused input (errors.ts).
    frameworkErrors: refuseUnroutable,
    // Every wait on a client is bounded: a slow request is cut with 408 (http/timeouts.ts).
    ...serverTimeoutOptions(gh.config.httpTimeouts),
    // What never became a request (a timeout, oversized headers) is answered in the catalog's shape.
    clientErrorHandler,
  });
  registerErrorHandling(app);
  registerPageBrand(app, gh.config.theme);
  // Nothing when metrics are off; else one onResponse hook on every route, and /metrics (metrics.ts).
  registerMetrics(app, gh.metrics, gh.config.metrics);
  registerSecurityHeaders(app);
  registerNotAcceptable(app);
  // Before routing, in one hook: maintenance and retired paths (availability.ts), then control
  // characters and invalid UTF-8, refused before any route sees them (input-guard.ts).
  registerEdgeChecks(app, [availabilityCheck(gh.config), checkRequestTarget]);
  const tokenLimiter = endpointLimiter(gh, 'token_address');

  await app.register(async (oauth) => {
    acceptRawBodies(oauth);
    tokenRoutes(oauth, {
      paths: ['/oauth2/token', ...gh.config.tokenPathAliases],
      endpoint: gh.tokenEndpoint,
      ctx: gh.oauthContext,
      limiter: tokenLimiter,
    });
    revokeRoutes(oauth, { endpoint: gh.revocation, ctx: gh.oauthContext, limiter: tokenLimiter });
    introspectRoutes(oauth, { endpoint: gh.introspection, ctx: gh.oauthContext, limiter: tokenLimiter });
    parRoutes(oauth, { endpoint: gh.pushedAuthorization, ctx: gh.oauthContext, limiter: tokenLimiter });
    registrationRoutes(oauth, { registrations: gh.registrations, limiter: tokenLimiter });
    deviceAuthorizationRoutes(oauth, {
      endpoint: gh.device.endpoint,
      ctx: gh.oauthContext,
      limiter: tokenLimiter,
    });
  });
  await app.register(async (pages) => {
    inputFamily(pages, 'page');
    acceptRawBodies(pages);
    await pages.register(cookie);
    const deps = {
      ctx: gh.oauthContext,
      flows: gh.flows,
      sessions: gh.sessions,
      secure: gh.config.issuer.startsWith('https://'),
      scopeCatalog: gh.scopeCatalog,
      signIn: {
        localPasswords: gh.config.signIn.localPasswords,
        upstreams: gh.upstreamSignIn,
        delegation: gh.loginDelegation,
      },
    };
    authorizeRoutes(pages, deps, ['/oauth2/authorize', '/oauth/authorize']);
    upstreamSignInRoutes(pages, { ...deps, upstreams: gh.upstreamSignIn });
    loginDelegationRoutes(pages, { ...deps, delegation: gh.loginDelegation });
    pageAssetRoutes(pages);
    deviceRoutes(pages, { ...deps, device: gh.device.verification });
    endSessionRoutes(pages, { sessions: gh.sessions, secure: deps.secure, logout: gh.logout });
    invitationRoutes(pages, { sessions: gh.sessions, secure: deps.secure, invitations: gh.invitations });
    passwordResetRoutes(pages, {
      sessions: gh.sessions,
      secure: deps.secure,
      resets: gh.passwordResets,
      localPasswords: gh.config.signIn.localPasswords,
    });
    emailVerificationRoutes(pages, {
      sessions: gh.sessions,
      secure: deps.secure,
      verification: gh.emailVerification,
    });
    await consoleRoutes(pages, { gh, sessions: gh.sessions, secure: deps.secure });
  });
  wellKnownRoutes(app, { metadata: () => gh.metadata(), keys: gh.keys });
  await app.register(async (oidc) => {
    acceptRawBodies(oidc);
    openIdRoutes(oidc, gh);
  });
  healthRoutes(app, { ping: () => gh.ping(), timeoutMs: gh.config.readyzTimeoutMs });
  revocationFeedRoutes(app, { feed: gh.revocationFeed });
  // Its own buckets, with the token endpoint's per-IP limits: resource servers call it, not clients.
  grantResolutionRoutes(app, gh, endpointLimiter(gh, 'grant_resolution_address'));
  await managementApiRoutes(app, gh);
  return app;
}
