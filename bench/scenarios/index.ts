import type { Scenario } from '../lib/types.ts';
import { authorizationCode } from './authorization-code.ts';
import { clientCredentialsJwt } from './client-credentials-jwt.ts';
import { clientCredentialsOpaque } from './client-credentials-opaque.ts';
import { clientCredentialsPrivateKeyJwt } from './client-credentials-private-key-jwt.ts';
import { clientCredentialsPrivateKeyJwtDpop } from './client-credentials-private-key-jwt-dpop.ts';
import { introspection } from './introspection.ts';
import { refreshToken } from './refresh-token.ts';
import { scaleClientCredentials } from './scale-client-credentials.ts';
import { verifyJose, verifyResourceServerCached, verifyResourceServerUncached } from './verify.ts';

/**
 * Every scenario, in report order. A new one is a file exporting a Scenario, added here;
 * it declares its targets and says, by capability, when a target cannot run it.
 */
export const SCENARIOS: Scenario[] = [
  clientCredentialsJwt,
  clientCredentialsOpaque,
  clientCredentialsPrivateKeyJwt,
  clientCredentialsPrivateKeyJwtDpop,
  authorizationCode,
  refreshToken,
  introspection,
  scaleClientCredentials,
  verifyJose,
  verifyResourceServerCached,
  verifyResourceServerUncached,
];
