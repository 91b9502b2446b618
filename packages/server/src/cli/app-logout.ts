import { listOpt, stringOpt, type Values } from './command.ts';

/** The flags `app create` and `app update` share for logout (docs/flows/logout.md). */
export const logoutHelp: Array<[string, string]> = [
  [
    '--post-logout-redirect-uri URI',
    'repeatable; where the end-session endpoint may send the browser back to (exact match; replaces the list)',
  ],
  [
    '--backchannel-logout-uri URL',
    'where logout tokens are POSTed (https; http only for loopback); "" removes it',
  ],
];

export const logoutOptions = {
  'post-logout-redirect-uri': { type: 'string', multiple: true },
  'backchannel-logout-uri': { type: 'string' },
} as const;

/** The logout settings the flags ask for (absent: unchanged). */
export function logoutFlags(values: Values) {
  const uris = listOpt(values, 'post-logout-redirect-uri');
  const backchannel = stringOpt(values, 'backchannel-logout-uri');
  return {
    ...(uris ? { postLogoutRedirectUris: uris } : {}),
    ...(backchannel === undefined
      ? {}
      : { backchannelLogoutUri: backchannel.trim() === '' ? null : backchannel }),
  };
}
