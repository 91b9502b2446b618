import type { HttpScenario } from '../lib/types.ts';
import {
  authorizationCodeMissing,
  CODES_PER_RUN,
  checkTokenResponse,
  codesFor,
  exchangeBody,
} from './authorization-code.ts';
import { basic, client, FORM_HEADERS, form, grantMissing, post, tokenPath } from './helpers.ts';

/**
 * RFC 6749 section 6 with rotation: each request spends a distinct refresh token (and gets
 * a new one). The tokens come from real code exchanges made before the clock starts.
 */
const refreshBody = (token: string) => form({ grant_type: 'refresh_token', refresh_token: token });

export const refreshToken: HttpScenario = {
  kind: 'http',
  name: 'refresh_token',
  title: 'refresh_token rotation',
  targets: ['gatehouse', 'gatehouse-pg', 'oidc-provider'],
  async unsupported(ctx) {
    return grantMissing(ctx, 'refresh_token') ?? authorizationCodeMissing(ctx);
  },
  async prepare(ctx) {
    const headers = { ...FORM_HEADERS, authorization: basic(client(ctx, 'partner')!) };
    const refreshTokens: string[] = [];
    for (const code of await codesFor(ctx, CODES_PER_RUN + 1)) {
      const answer = await post(ctx, tokenPath(ctx), headers, exchangeBody(ctx, code));
      checkTokenResponse(answer, 'the code exchange');
      refreshTokens.push(answer.refresh_token as string);
    }
    // One rotation before the clock: a new JWT access token and a new, different refresh token.
    const [first, ...rest] = refreshTokens;
    const answer = await post(ctx, tokenPath(ctx), headers, refreshBody(first!));
    checkTokenResponse(answer, 'the refresh');
    if (answer.refresh_token === first) throw new Error('the refresh did not rotate the refresh token');
    return {
      method: 'POST',
      path: tokenPath(ctx),
      headers,
      variants: rest.map((t) => ({ body: refreshBody(t) })),
      singleUse: true,
    };
  },
};
