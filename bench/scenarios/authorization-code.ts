import { mintCodes } from '../lib/flow.ts';
import type { HttpScenario, ScenarioContext } from '../lib/types.ts';
import {
  basic,
  client,
  endpointPath,
  FORM_HEADERS,
  form,
  grantMissing,
  isJwt,
  post,
  tokenPath,
} from './helpers.ts';

/** Codes a single-use run exchanges; minted before the clock starts. */
export const CODES_PER_RUN = 3000;

export function authorizationCodeMissing(ctx: ScenarioContext): string | undefined {
  const missing = grantMissing(ctx, 'authorization_code');
  if (missing) return missing;
  if (endpointPath(ctx, 'authorization_endpoint') === undefined)
    return 'the metadata has no authorization_endpoint in this build';
  if (!client(ctx, 'partner') || ctx.target.info.user === undefined)
    return `the ${ctx.target.name} target registers no partner app and user to log in with`;
  return undefined;
}

/** Codes for the target's partner app, through its real authorize/login/consent pages. */
export async function codesFor(ctx: ScenarioContext, count: number) {
  const partner = client(ctx, 'partner')!;
  return mintCodes(
    {
      authorizationEndpoint: String(ctx.metadata!.authorization_endpoint),
      clientId: partner.clientId,
      redirectUri: partner.redirectUri!,
      user: ctx.target.info.user as { email: string; password: string },
    },
    count,
  );
}

export function exchangeBody(ctx: ScenarioContext, code: { code: string; verifier: string }): string {
  return form({
    grant_type: 'authorization_code',
    code: code.code,
    redirect_uri: client(ctx, 'partner')!.redirectUri!,
    code_verifier: code.verifier,
  });
}

/** A real token response: an ES256 JWT access token, Bearer, and a refresh token. */
export function checkTokenResponse(answer: Record<string, unknown>, what: string): void {
  const token = answer.access_token;
  if (typeof token !== 'string' || !isJwt(token)) throw new Error(`${what} returned no JWT access_token`);
  const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { alg?: string };
  if (header.alg !== 'ES256') throw new Error(`${what} returned a ${header.alg} access token, not ES256`);
  if (String(answer.token_type).toLowerCase() !== 'bearer')
    throw new Error(`${what} returned no Bearer token`);
  if (typeof answer.refresh_token !== 'string') throw new Error(`${what} returned no refresh_token`);
}

/** RFC 6749 4.1.3: each request exchanges a distinct, pre-minted code (PKCE S256). */
export const authorizationCode: HttpScenario = {
  kind: 'http',
  name: 'authorization_code',
  title: 'authorization_code exchange',
  targets: ['gatehouse', 'gatehouse-pg', 'oidc-provider'],
  async unsupported(ctx) {
    return authorizationCodeMissing(ctx);
  },
  async prepare(ctx) {
    const headers = { ...FORM_HEADERS, authorization: basic(client(ctx, 'partner')!) };
    const [first, ...codes] = await codesFor(ctx, CODES_PER_RUN + 1);
    const answer = await post(ctx, tokenPath(ctx), headers, exchangeBody(ctx, first!));
    checkTokenResponse(answer, 'the code exchange');
    return {
      method: 'POST',
      path: tokenPath(ctx),
      headers,
      variants: codes.map((c) => ({ body: exchangeBody(ctx, c) })),
      singleUse: true,
    };
  },
};
