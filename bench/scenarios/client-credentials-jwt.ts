import { decodeProtectedHeader } from 'jose';
import { BENCH_SCOPE_PARAM } from '../lib/constants.ts';
import type { HttpScenario } from '../lib/types.ts';
import {
  basic,
  client,
  clientCredentialsToken,
  FORM_HEADERS,
  form,
  grantMissing,
  tokenPath,
} from './helpers.ts';

/** RFC 6749 4.4 with an ES256 JWT access token (RFC 9068): the headline figure. */
export const clientCredentialsJwt: HttpScenario = {
  kind: 'http',
  name: 'client_credentials_jwt',
  title: 'client_credentials (JWT)',
  targets: ['gatehouse', 'gatehouse-pg', 'gatehouse-workers', 'oidc-provider', 'bare-limit'],
  // The bare limit at half of its own peak is the control: what p99 this box allows at all.
  halfRateOn: ['gatehouse', 'bare-limit'],
  async unsupported(ctx) {
    return grantMissing(ctx, 'client_credentials');
  },
  async prepare(ctx) {
    const token = await clientCredentialsToken(ctx, 'jwt');
    const header = decodeProtectedHeader(token);
    if (header.alg !== 'ES256') throw new Error(`${ctx.target.name} signed with ${header.alg}, not ES256`);
    return {
      method: 'POST',
      path: tokenPath(ctx),
      headers: { ...FORM_HEADERS, authorization: basic(client(ctx, 'jwt')!) },
      body: form({ grant_type: 'client_credentials', scope: BENCH_SCOPE_PARAM }),
    };
  },
};
