import { BENCH_SCOPE_PARAM } from '../lib/constants.ts';
import type { HttpScenario } from '../lib/types.ts';
import {
  basic,
  client,
  clientCredentialsToken,
  FORM_HEADERS,
  form,
  grantMissing,
  isJwt,
  opaqueExtra,
  tokenPath,
} from './helpers.ts';

/** client_credentials issuing opaque (stored, introspectable) access tokens. */
export const clientCredentialsOpaque: HttpScenario = {
  kind: 'http',
  name: 'client_credentials_opaque',
  title: 'client_credentials (opaque)',
  targets: ['gatehouse', 'gatehouse-pg', 'oidc-provider'],
  async unsupported(ctx) {
    const missing = grantMissing(ctx, 'client_credentials');
    if (missing) return missing;
    // Capability by behaviour: an app set to opaque tokens must not receive a JWT.
    const token = await clientCredentialsToken(ctx, 'opaque', opaqueExtra(ctx));
    return isJwt(token)
      ? 'opaque access tokens are not in this build (an opaque-format app got a JWT)'
      : undefined;
  },
  async prepare(ctx) {
    return {
      method: 'POST',
      path: tokenPath(ctx),
      headers: { ...FORM_HEADERS, authorization: basic(client(ctx, 'opaque')!) },
      body: form({ grant_type: 'client_credentials', scope: BENCH_SCOPE_PARAM, ...opaqueExtra(ctx) }),
    };
  },
};
