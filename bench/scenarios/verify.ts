import type { InProcessScenario } from '../lib/types.ts';

/** A variable, so the typecheck does not require the package before it lands. */
const RESOURCE_SERVER = '@gatehouse/resource-server';

/**
 * Whether @gatehouse/resource-server is in this build with the verifier the scenarios use,
 * detected by importing it rather than by a version check.
 */
async function resourceServerMissing(): Promise<string | undefined> {
  try {
    const mod = (await import(RESOURCE_SERVER)) as Record<string, unknown>;
    return typeof mod.createVerifier === 'function'
      ? undefined
      : '@gatehouse/resource-server exports no createVerifier in this build';
  } catch {
    return '@gatehouse/resource-server is not in this build';
  }
}

/** The baseline: jose.jwtVerify with a remote (cached) JWKS, every call verifying the signature. */
export const verifyJose: InProcessScenario = {
  kind: 'in-process',
  name: 'verify_jose',
  title: 'verify: jose.jwtVerify alone',
  targets: ['in-process'],
  verifier: 'jose',
  async unsupported() {
    return undefined;
  },
};

/** The SDK with its verified-token cache: a token seen again costs a lookup. */
export const verifyResourceServerCached: InProcessScenario = {
  kind: 'in-process',
  name: 'verify_resource_server_cached',
  title: 'verify: @gatehouse/resource-server (cached)',
  targets: ['in-process'],
  verifier: 'resource-server-cached',
  unsupported: resourceServerMissing,
};

/** The SDK with its cache off: its checks on top of one jose.jwtVerify per call. */
export const verifyResourceServerUncached: InProcessScenario = {
  kind: 'in-process',
  name: 'verify_resource_server_uncached',
  title: 'verify: @gatehouse/resource-server (uncached)',
  targets: ['in-process'],
  verifier: 'resource-server-uncached',
  unsupported: resourceServerMissing,
};
