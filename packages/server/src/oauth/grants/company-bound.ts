import { printable } from '@gatehouse/scopes';
import type { AppWithSecrets } from '../../storage/types.ts';
import { GRANT_GUID } from '../company-grant.ts';
import { InvalidGrant, InvalidRequest, InvalidScope } from '../errors.ts';
import type { GrantContext } from './grant-context.ts';

/** What a company-bound client-credentials token is issued with. */
export interface CompanyBinding {
  scopes: string[];
  companyId: string;
  grantId: string;
}

/**
 * client_credentials with `company_guid=<grant GUID>`: a token for one company, bound to
 * it by `company_id` and `gid`, whose scope is what the app holds AND the company approved
 * in that grant (then narrowed to `scope`, under the app's scope policy). The grant must be
 * an active grant of the calling app; anything else is `invalid_grant`, without saying
 * which check failed. Revoking the grant revokes the token (the feed's `grant` entry).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export async function bindToCompany(
  app: AppWithSecrets,
  guid: string,
  requested: string | undefined,
  ctx: Pick<GrantContext, 'companyGrants' | 'scopes'>,
): Promise<CompanyBinding> {
  if (!GRANT_GUID.test(guid)) throw new InvalidRequest('parameter "company_guid" is not a grant GUID');
  const found = await ctx.companyGrants.activeGrantForClient(guid, app.clientId);
  if (!found) throw new InvalidGrant('company_guid does not name an active grant of this app');
  const { grant } = found;
  const held = ctx.scopes.intersect(app.scopes, grant.scopes);
  if (held.length === 0) throw new InvalidScope('the company granted none of the scopes this app holds');
  let scopes: string[];
  try {
    scopes = ctx.scopes.grant(held, requested, app.scopePolicy);
  } catch (err) {
    // Say which side is short: the app (its scopes) or the company (its grant).
    if (err instanceof InvalidScope && requested !== undefined) {
      const beyond = ctx.scopes.missing(held, ctx.scopes.parseRequest(requested, held));
      if (beyond.length > 0 && ctx.scopes.covers(app.scopes, beyond))
        throw new InvalidScope(
          `the company did not grant ${beyond.map((s) => `"${printable(s)}"`).join(', ')} to this app`,
        );
    }
    throw err;
  }
  return { scopes, companyId: grant.companyId, grantId: grant.id };
}
