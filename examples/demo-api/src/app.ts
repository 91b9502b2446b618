import { createFastifyAuth, createVerifier, type VerifierOptions } from '@gatehouse/resource-server';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { registerDemoErrors } from './errors.ts';
import { answerOtherMethods } from './method-not-allowed.ts';
import { employeeRoutes } from './routes/employees.ts';
import { featureRoutes } from './routes/features.ts';
import { sevenShiftsRoutes } from './routes/seven-shifts.ts';
import { userRoutes } from './routes/users.ts';
import { UsersStore } from './users-store.ts';

export interface DemoApiOptions {
  /** Gatehouse's issuer identifier (the tokens' `iss`). */
  issuer: string;
  /** This API's audience (Gatehouse's configured audience). */
  audience: string;
  /** The JWKS URL; default: discovered from the issuer's metadata. */
  jwksUri?: string;
  logger?: FastifyBaseLogger;
  /** Passed to the verifier (tests use a short JWKS cooldown, or revocation settings). */
  verifier?: Partial<Omit<VerifierOptions, 'issuer' | 'audience' | 'jwksUri'>>;
}

/**
 * The SaaS API the seed guides protect, built on @gatehouse/resource-server alone for
 * auth: the users API (GET/POST /users/v1/users, DELETE /users/v1/users/:id), 7shifts'
 * GET /v2/whoami and /v2/companies (x-company-guid), Culture Amp's GET /v1/employees
 * (target-entity scopes), and schedule, time-clock and forms endpoints, over in-memory
 * demo data of the company the request reaches. The verifier follows Gatehouse's
 * revocation feed (stream mode by default), so revoked grants stop working within a second.
 */
export async function createDemoApi(options: DemoApiOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    genReqId: () => crypto.randomUUID(),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
  });
  const verifier = createVerifier({
    ...options.verifier,
    issuer: options.issuer,
    audience: options.audience,
    ...(options.jwksUri !== undefined ? { jwksUri: options.jwksUri } : {}),
  });
  const auth = createFastifyAuth({
    verifier,
    realm: 'demo-api',
    // The code says why; the token itself is never logged.
    onError: (err, request) =>
      (request as unknown as { log: FastifyBaseLogger }).log.info({ code: err.code }, 'request refused'),
  });
  // Stops following the revocation feed with the API.
  app.addHook('onClose', async () => verifier.close());
  registerDemoErrors(app);
  // JSON only: a text body is 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  await app.register(auth.plugin);
  const addMethodNotAllowed = answerOtherMethods(app);
  app.get('/health', async () => ({ status: 'ok' }));
  userRoutes(app, { auth, store: new UsersStore() });
  sevenShiftsRoutes(app, { auth });
  employeeRoutes(app, { auth });
  featureRoutes(app, { auth });
  addMethodNotAllowed();
  return app;
}

export interface RunningDemoApi {
  url: string;
  close(): Promise<void>;
}

/** Creates the demo API and listens on host:port. */
export async function startDemoApi(
  options: DemoApiOptions & { host: string; port: number },
): Promise<RunningDemoApi> {
  const { host, port, ...rest } = options;
  const app = await createDemoApi(rest);
  await app.listen({ host, port });
  const addr = app.server.address();
  const actualPort = typeof addr === 'object' && addr ? addr.port : port;
  let closed = false;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}
