import { UnauthorizedClient } from '../errors.ts';
import { formatScope } from '../scopes/index.ts';
import { bindToCompany } from './company-bound.ts';
import type { GrantHandler } from './grant-handler.ts';

/**
 * Server-to-server access with the app's own credentials. Without `scope`, the token
 * carries every scope the app holds; `*` says the same where the catalog enables it. A
 * request beyond the app's scopes is `invalid_scope`, or, for an app whose scope policy
 * is `narrow`, cut down to them; parameterized scopes count as within when they name the
 * same entity and a subset of its permissions. The scope answered is the one in the token.
 * Internal apps act for their own company (`company_id` in the token); partner apps name
 * a company per API call with `x-company-guid`, so their tokens carry none, unless they ask
 * with `company_guid=<grant GUID>` for a token bound to that company (company-bound.ts):
 * its scope is the app's AND the grant's, its `company_id` and `gid` those of the grant.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export const clientCredentials: GrantHandler<
  'tokens' | 'scopes' | 'companyGrants' | 'onGrantUsed' | 'resources'
> = {
  grantType: 'client_credentials',

  async handle(req, { app }, ctx) {
    if (app.clientType !== 'confidential')
      throw new UnauthorizedClient('public clients cannot use client_credentials');
    const companyGuid = req.params.get('company_guid');
    const resource = req.params.all('resource');
    if (companyGuid !== undefined) {
      const bound = await bindToCompany(app, companyGuid, req.params.get('scope'), ctx);
      const narrowed = ctx.resources.narrow(resource, bound.scopes, app.scopes);
      const issued = await ctx.tokens.issueAccessToken({
        app,
        subject: app.clientId,
        scopes: narrowed?.scopes ?? bound.scopes,
        ...(narrowed ? { audience: narrowed.audience } : {}),
        companyId: bound.companyId,
        grantId: bound.grantId,
        ...(req.dpopJkt !== undefined ? { dpopJkt: req.dpopJkt } : {}),
      });
      ctx.onGrantUsed(bound.grantId);
      return {
        access_token: issued.token,
        token_type: req.dpopJkt === undefined ? 'Bearer' : 'DPoP',
        expires_in: issued.expiresIn,
        scope: formatScope(narrowed?.scopes ?? bound.scopes),
      };
    }
    const granted = ctx.scopes.grant(app.scopes, req.params.get('scope'), app.scopePolicy);
    // Without `resource` (the steady state) nothing more is done: the default audience.
    const narrowed = resource.length === 0 ? undefined : ctx.resources.narrow(resource, granted, app.scopes);
    const scopes = narrowed?.scopes ?? granted;
    const issued = await ctx.tokens.issueAccessToken({
      app,
      subject: app.clientId,
      scopes,
      ...(narrowed ? { audience: narrowed.audience } : {}),
      ...(app.type === 'internal' ? { companyId: app.companyId } : {}),
      ...(req.dpopJkt !== undefined ? { dpopJkt: req.dpopJkt } : {}),
    });
    return {
      access_token: issued.token,
      token_type: req.dpopJkt === undefined ? 'Bearer' : 'DPoP',
      expires_in: issued.expiresIn,
      scope: formatScope(scopes),
    };
  },
};
