import type { Grant } from '../storage/types.ts';

/**
 * The shape of every grant GUID, as partners send it in `x-company-guid`, and in `company_guid`
 * at the token and introspection endpoints. Checked before any look-up.
 */
export const GRANT_GUID = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * The one look-up the protocol core needs of company grants
 * (CompanyGrantService.activeGrantForClient): the active grant a GUID names, if it is a grant
 * of that client's app; undefined otherwise, without saying which check failed.
 */
export interface ActiveGrantLookup {
  activeGrantForClient(guid: string, clientId: string): Promise<{ grant: Grant } | undefined>;
}
