import type { HttpScenario } from '../lib/types.ts';
import { authorizationCodeMissing, CODES_PER_RUN, codesFor, exchangeBody } from './authorization-code.ts';
import { basic, client, FORM_HEADERS, form, grantMissing, post, tokenPath } from './helpers.ts';

/**
 * RFC 6749 section 6 with rotation: each request spends a distinct refresh token (and gets
 * a new one). The tokens come from real code exchanges made before the clock starts.
 */
export const refreshToken: HttpScenario = {
  kind: 'http',
  name: 'refresh_token',
  title: 'refresh_token rotation',
  targets: ['gatehouse'],
  async unsupported(ctx) {
    return grantMissing(ctx, 'refresh_token') ?? authorizationCodeMissing(ctx);
  },
  async prepare(ctx) {
    const headers = { ...FORM_HEADERS, authorization: basic(client(ctx, 'partner')!) };
    const refreshTokens: string[] = [];
    for (const code of await codesFor(ctx, CODES_PER_RUN)) {
      const answer = await post(ctx, tokenPath(ctx), headers, exchangeBody(ctx, code));
      if (typeof answer.refresh_token !== 'string')
        throw new Error('the code exchange returned no refresh_token');
      refreshTokens.push(answer.refresh_token);
    }
    return {
      method: 'POST',
      path: tokenPath(ctx),
      headers,
      variants: refreshTokens.map((t) => ({ body: form({ grant_type: 'refresh_token', refresh_token: t }) })),
      singleUse: true,
    };
  },
};
