import type { SigningKeyStore } from '../../src/storage/signing-key-store.ts';
import type { NewApp, Storage } from '../../src/storage/storage.ts';
import type {
  AppWithSecrets,
  Company,
  DomainEventInput,
  Grant,
  User,
  WebhookEndpoint,
} from '../../src/storage/types.ts';
import { sha256 } from '../../src/util/hash.ts';
import { newId } from '../../src/util/random.ts';
import { lastFour, newSecret } from '../../src/util/secrets.ts';

export async function newCompany(storage: Storage, name = 'Acme'): Promise<Company> {
  return storage.createCompany({ id: newId('co'), name, plan: 'enterprise' });
}

export function secretRecord(secret = newSecret('clientSecret')) {
  return { id: newId('sec'), secretHash: sha256(secret), last4: lastFour(secret) };
}

export function appRecord(companyId: string, overrides: Partial<NewApp> = {}): NewApp {
  return {
    id: newId('app'),
    clientId: newId('cl', 24),
    companyId,
    name: 'Payroll sync',
    logoUrl: null,
    type: 'internal',
    clientType: 'confidential',
    grantTypes: ['client_credentials'],
    scopes: ['users.read', 'users.write'],
    redirectUris: [],
    tokenTtl: 3600,
    signingAlg: 'ES256',
    tokenFormat: 'jwt',
    grantDelivery: 'code',
    scopePolicy: 'strict',
    skipConsent: false,
    autoConsent: false,
    refreshIdleTtl: 30 * 86_400,
    refreshAbsoluteTtl: 90 * 86_400,
    refreshReuseWindow: null,
    tokenEndpointAuthMethod: overrides.clientType === 'public' ? 'none' : 'client_secret_basic',
    jwks: null,
    jwksUri: null,
    requirePushedAuthorizationRequests: false,
    dpopBoundAccessTokens: false,
    useDpopNonce: false,
    postLogoutRedirectUris: [],
    backchannelLogoutUri: null,
    tokenExchange: null,
    ...overrides,
  };
}

/** Creates an app with one secret; returns the app and the secret in clear. */
export async function newApp(
  storage: Storage,
  companyId: string,
  overrides: Partial<NewApp> = {},
): Promise<{ app: AppWithSecrets; secret: string }> {
  const secret = newSecret('clientSecret');
  const app = await storage.createApp(appRecord(companyId, overrides), secretRecord(secret));
  return { app, secret };
}

export async function newUser(storage: Storage): Promise<User> {
  const id = newId('usr');
  return storage.createUser({ id, email: `${id}@example.test`, name: 'U', passwordHash: null });
}

/** A webhook endpoint of the company that hears every event. */
export async function newEndpoint(
  storage: Storage,
  companyId: string,
  overrides: Partial<WebhookEndpoint> = {},
): Promise<WebhookEndpoint> {
  return storage.createWebhookEndpoint({
    id: newId('whe'),
    companyId,
    appId: null,
    url: 'https://hooks.example/in',
    events: ['*'],
    description: '',
    secretEncrypted: 'sealed',
    secretLast4: 'abcd',
    ...overrides,
  });
}

/** The company's grant of `users.read` to the app. */
export async function newGrant(storage: Storage, appId: string, companyId: string): Promise<Grant> {
  return storage.upsertGrant({
    id: newId('grt'),
    guid: newId('g'),
    appId,
    companyId,
    scopes: ['users.read'],
    grantedBy: null,
  });
}

/** An active signing key with a fresh kid and placeholder key material. */
export function signingKeyRecord(
  overrides: Partial<Parameters<SigningKeyStore['insertSigningKey']>[0]> = {},
): Parameters<SigningKeyStore['insertSigningKey']>[0] {
  return {
    kid: newId('kid'),
    alg: 'ES256',
    publicJwk: '{}',
    privateJwkEncrypted: 'x',
    status: 'active',
    createdAt: new Date(),
    activatesAt: new Date(),
    ...overrides,
  };
}

/** A webhook event about the app for the company's endpoints (rotateAppSecret carries it). */
export function rotationEvent(companyId: string, appId: string): DomainEventInput {
  return { type: 'app.secret_rotated', companyIds: [companyId], appId, data: {} };
}

/** An audit payload JSON.stringify cannot encode: makes the audit insert throw mid-transaction. */
export function unencodableData(): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  data.self = data;
  return data;
}
