import { redirectUriProblem } from './redirect-uri-rules.ts';

/** An app's logout settings as given (create or edit). */
export interface LogoutInput {
  /** Where the end-session endpoint may send the browser back to (exact match). */
  postLogoutRedirectUris?: string[];
  /** Where logout tokens are POSTed; null or '' for none. */
  backchannelLogoutUri?: string | null;
}

export interface LogoutSettings {
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
}

/**
 * Checks an app's logout settings and records each problem in `fields`. Post-logout redirect
 * URIs follow the redirect URI rules (apps/redirect-uri-rules.ts: exact, canonical, https
 * unless loopback), because the end-session endpoint redirects to them just as the
 * authorization endpoint redirects to a redirect URI. The back-channel logout URI follows the
 * same rules and, since the server POSTs to it, the webhook network policy at delivery
 * (webhooks/ssrf.ts: a loopback or private address is refused unless the operator allows it).
 *
 * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html#ClientMetadata
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#BCRegistration
 */
export function validateLogoutSettings(input: LogoutInput, fields: Record<string, string>): LogoutSettings {
  const given = input.postLogoutRedirectUris ?? [];
  const postLogoutRedirectUris = [...new Set(Array.isArray(given) ? given : [])];
  if (postLogoutRedirectUris.length > 20)
    fields.postLogoutRedirectUris = 'at most 20 post-logout redirect URIs';
  for (const uri of postLogoutRedirectUris) {
    const problem = typeof uri === 'string' ? redirectUriProblem(uri) : 'is not a string';
    if (problem) {
      fields.postLogoutRedirectUris = `post-logout redirect URI "${String(uri).slice(0, 100)}" ${problem}`;
      break;
    }
  }
  const raw = input.backchannelLogoutUri;
  const backchannelLogoutUri = raw === undefined || raw === null || raw === '' ? null : raw;
  if (backchannelLogoutUri !== null) {
    const problem =
      typeof backchannelLogoutUri === 'string' ? redirectUriProblem(backchannelLogoutUri) : 'is not a string';
    if (problem) fields.backchannelLogoutUri = `back-channel logout URI ${problem}`;
  }
  return { postLogoutRedirectUris, backchannelLogoutUri };
}
