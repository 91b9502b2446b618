import { readFileSync } from 'node:fs';
import { type JwkSet, TOKEN_ENDPOINT_AUTH_METHODS } from '../apps/app-service.ts';
import { choiceOpt, stringOpt, UsageError, type Values } from './command.ts';

/** The flags `app create` and `app update` share for client authentication (docs/client-authentication.md). */
export const clientAuthHelp: Array<[string, string]> = [
  ['--auth-method METHOD', `token_endpoint_auth_method: ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}`],
  ['--jwks-file PATH', 'private_key_jwt: a JSON file holding the public JWK Set; "" removes it'],
  ['--jwks-uri URL', 'private_key_jwt: https URL of the public JWK Set; "" removes it'],
  ['--require-par on|off', 'accept only pushed authorization requests (RFC 9126) from the app'],
];

export const clientAuthOptions = {
  'auth-method': { type: 'string' },
  'jwks-file': { type: 'string' },
  'jwks-uri': { type: 'string' },
  'require-par': { type: 'string' },
} as const;

function readJwks(path: string): JwkSet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `--jwks-file: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    return JSON.parse(text) as JwkSet;
  } catch {
    throw new UsageError(`--jwks-file: ${path} is not JSON`);
  }
}

/** The settings the flags ask for (absent: unchanged); the app service checks them all. */
export function clientAuthFlags(values: Values) {
  const method = choiceOpt(values, 'auth-method', TOKEN_ENDPOINT_AUTH_METHODS);
  const jwksFile = stringOpt(values, 'jwks-file');
  const jwksUri = stringOpt(values, 'jwks-uri');
  const par = choiceOpt(values, 'require-par', ['on', 'off'] as const);
  return {
    ...(method === undefined ? {} : { tokenEndpointAuthMethod: method }),
    ...(jwksFile === undefined ? {} : { jwks: jwksFile.trim() === '' ? null : readJwks(jwksFile) }),
    ...(jwksUri === undefined ? {} : { jwksUri: jwksUri.trim() === '' ? null : jwksUri }),
    ...(par === undefined ? {} : { requirePushedAuthorizationRequests: par === 'on' }),
  };
}
