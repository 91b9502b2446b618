import type { HttpScenario } from '../lib/types.ts';
import {
  basic,
  client,
  clientCredentialsToken,
  endpointPath,
  FORM_HEADERS,
  form,
  isJwt,
  opaqueExtra,
  post,
} from './helpers.ts';

/**
 * RFC 7662 introspection of an active access token by the client that holds it: opaque
 * when the target issues opaque tokens, else the JWT.
 */
export const introspection: HttpScenario = {
  kind: 'http',
  name: 'introspection',
  title: 'introspection (RFC 7662)',
  targets: ['gatehouse', 'gatehouse-pg', 'oidc-provider'],
  async unsupported(ctx) {
    return endpointPath(ctx, 'introspection_endpoint') === undefined
      ? 'the metadata has no introspection_endpoint in this build'
      : undefined;
  },
  async prepare(ctx) {
    let role = 'opaque';
    let token = await clientCredentialsToken(ctx, role, opaqueExtra(ctx));
    if (isJwt(token)) {
      role = 'jwt';
      token = await clientCredentialsToken(ctx, role);
    }
    const path = endpointPath(ctx, 'introspection_endpoint')!;
    const headers = { ...FORM_HEADERS, authorization: basic(client(ctx, role)!) };
    const body = form({ token, token_type_hint: 'access_token' });
    const answer = await post(ctx, path, headers, body);
    if (answer.active !== true) throw new Error(`${ctx.target.name} introspected a fresh token as inactive`);
    return { method: 'POST', path, headers, body };
  },
};
