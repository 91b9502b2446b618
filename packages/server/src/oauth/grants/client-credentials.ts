import { InvalidScope, UnauthorizedClient } from '../errors.ts';
import { formatScope, missingScopes, parseScope } from '../scopes/index.ts';
import type { GrantHandler } from './grant-handler.ts';

/**
 * Server-to-server access with the app's own credentials. Without `scope`, the token
 * carries every scope the app holds; any scope beyond the app's is `invalid_scope`.
 * Internal apps act for their own company (`company_id` in the token); partner apps name
 * a company per API call with `x-company-guid`, so their tokens carry none.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export const clientCredentials: GrantHandler = {
  grantType: 'client_credentials',
  parameters: ['scope'],

  async handle(req, { app }, ctx) {
    if (app.clientType !== 'confidential')
      throw new UnauthorizedClient('public clients cannot use client_credentials');
    const requested = req.params.get('scope');
    let scopes = app.scopes;
    if (requested !== undefined) {
      scopes = parseScope(requested);
      const missing = missingScopes(app.scopes, scopes);
      if (missing.length > 0)
        throw new InvalidScope(
          `scope ${missing.map((s) => `"${s}"`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not granted to this app`,
        );
      if (scopes.length === 0) scopes = app.scopes;
    }
    const issued = await ctx.tokens.issueAccessToken({
      app,
      subject: app.clientId,
      scopes,
      ...(app.type === 'internal' ? { companyId: app.companyId } : {}),
    });
    return {
      access_token: issued.token,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: formatScope(scopes),
    };
  },
};
