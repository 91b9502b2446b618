import { Type } from '@sinclair/typebox';

/** An app's logout settings, as the management API shows them (docs/flows/logout.md). */
export const logoutView = {
  post_logout_redirect_uris: Type.Array(Type.String(), {
    description: 'where the end-session endpoint may send the browser back to (exact match)',
  }),
  backchannel_logout_uri: Type.Union([Type.String(), Type.Null()], {
    description: 'where logout tokens are POSTed (OIDC Back-Channel Logout); null: none',
  }),
};

/** The same settings as creation and PATCH take them: each optional. */
export const logoutInput = {
  post_logout_redirect_uris: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), {
      maxItems: 20,
      description:
        'the whole list of post-logout redirect URIs (replaces it); the redirect URI rules apply: exact, https unless loopback',
    }),
  ),
  backchannel_logout_uri: Type.Optional(
    Type.Union([Type.String({ maxLength: 2000 }), Type.Null()], {
      description:
        'https URL (http only for loopback) that receives logout tokens as a form POST; null or empty removes it',
    }),
  ),
};

interface LogoutBody {
  post_logout_redirect_uris?: string[] | undefined;
  backchannel_logout_uri?: string | null | undefined;
}

/** The body's logout settings, as the app service takes them (absent: unchanged). */
export function logoutFields(body: LogoutBody) {
  return {
    ...(body.post_logout_redirect_uris === undefined
      ? {}
      : { postLogoutRedirectUris: body.post_logout_redirect_uris }),
    ...(body.backchannel_logout_uri === undefined
      ? {}
      : { backchannelLogoutUri: body.backchannel_logout_uri }),
  };
}
