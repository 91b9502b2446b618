import type { appJson } from '../apps/wire.ts';
import { tokenExchangeLine } from './app-token-exchange.ts';
import { summary, when } from './format.ts';

/** An app as `gatehouse app ...` prints it without --json. */
export function appSummary(app: Parameters<typeof appJson>[0]): string {
  return summary([
    ['App', `${app.name} (${app.id})`],
    ['Company', app.companyId],
    ['Client ID', app.clientId],
    ['Type', `${app.type}, ${app.clientType}`],
    ['Grant types', app.grantTypes.join(', ')],
    ['Scopes', app.scopes.join(' ')],
    ['Redirect URIs', app.redirectUris.join(' ') || '(none)'],
    ...(app.postLogoutRedirectUris.length > 0 || app.backchannelLogoutUri !== null
      ? ([
          ['Post-logout redirect URIs', app.postLogoutRedirectUris.join(' ') || '(none)'],
          ['Back-channel logout URI', app.backchannelLogoutUri ?? '(none)'],
        ] as Array<[string, string]>)
      : []),
    ['Token TTL', `${app.tokenTtl} s, ${app.signingAlg}`],
    ['Token format', app.tokenFormat],
    ['Grant delivery', app.grantDelivery],
    ['Remembered consent', app.skipConsent ? 'on' : 'off'],
    [
      'Client authentication',
      [
        app.tokenEndpointAuthMethod,
        app.jwksUri ?? (app.jwks ? `${app.jwks.keys.length} registered key(s)` : ''),
        app.requirePushedAuthorizationRequests ? 'pushed authorization requests only' : '',
      ]
        .filter(Boolean)
        .join(', '),
    ],
    [
      'DPoP',
      app.dpopBoundAccessTokens
        ? `required${app.useDpopNonce ? ', with server nonce' : ''}`
        : app.useDpopNonce
          ? 'optional, with server nonce'
          : 'optional',
    ],
    ...(app.type === 'internal'
      ? [['Auto consent', app.autoConsent ? 'on' : 'off'] as [string, string]]
      : []),
    tokenExchangeLine(app),
    ['Logo', app.logoUrl ?? '(none)'],
    [
      'Refresh reuse window',
      app.refreshReuseWindow === null ? 'server default' : `${app.refreshReuseWindow} s`,
    ],
    ['Created', app.createdAt.toISOString()],
    ['Last used', when(app.lastUsedAt)],
  ]);
}
