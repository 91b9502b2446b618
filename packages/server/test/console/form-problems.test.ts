import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspectLogo } from '../../src/apps/logo.ts';
import { validateAppInput } from '../../src/apps/validation.ts';
import { type FormProblems, knownProblems } from '../../src/console/pages/form-problems.ts';
import { ValidationError } from '../../src/errors.ts';
import { LOCALES } from '../../src/i18n/catalogs.ts';
import { Translator } from '../../src/i18n/translator.ts';
import { SVG_LOGO } from '../fixtures/images.ts';

/** The app service's own problems with `input`, as the console's forms get them. */
function problems(input: Record<string, unknown>): Record<string, string> {
  try {
    validateAppInput({ companyId: 'co_1', name: 'App', scopes: ['users.read'], ...input } as never);
  } catch (err) {
    if (err instanceof ValidationError) return err.fields;
    throw err;
  }
  assert.fail(`no problem with ${JSON.stringify(input)}`);
}

const untranslated = (p: FormProblems) => Object.entries(p).filter(([, v]) => typeof v === 'string');
const german = new Translator(LOCALES.find((l) => l.tag === 'de'));

describe("the app services' problems on the console forms: known wordings become catalog texts", () => {
  const cases: [string, Record<string, unknown>][] = [
    ['a display name too long', { name: 'x'.repeat(101) }],
    ['no scope', { scopes: [] }],
    ['a token lifetime out of range', { tokenTtl: 5 }],
    ['an unknown signing algorithm', { signingAlg: 'none' }],
    ['a public client with client_credentials', { clientType: 'public' }],
    [
      'auto consent for a partner app',
      { type: 'partner', autoConsent: true, redirectUris: ['https://a.example/cb'] },
    ],
    ...[
      'http://a.example/cb',
      'https://a.example/cb#x',
      'not a uri',
      `https://a.example/${'x'.repeat(2000)}`,
      'https://a.example/c b',
      'https://a.example\\cb',
      'https://a.example:70000/cb',
      'javascript://a.example/cb',
      'https://u:p@a.example/cb',
      'https://a.example/a%2e%2e/cb',
      'HTTPS://a.example/cb',
      'https://A.example/cb',
      'https://a.example:443/cb',
      'https://a.example/a/../cb',
    ].map((uri): [string, Record<string, unknown>] => [
      `the redirect URI ${uri.slice(0, 40)}`,
      { type: 'partner', grantTypes: ['authorization_code'], redirectUris: [uri] },
    ]),
    ['a JWK Set that is no JWK Set', { tokenEndpointAuthMethod: 'private_key_jwt', jwks: { nope: 1 } }],
    [
      'a private key in the JWK Set',
      { tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } },
    ],
    ['private_key_jwt without keys', { tokenEndpointAuthMethod: 'private_key_jwt' }],
    [
      'both jwks and jwks_uri',
      {
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] },
        jwksUri: 'https://keys.example/jwks',
      },
    ],
    [
      'a jwks_uri over http',
      { tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'http://keys.example/jwks' },
    ],
  ];
  for (const [what, input] of cases)
    test(what, () => {
      const fields = problems(input);
      const known = knownProblems(fields);
      const left = untranslated(known).filter(
        ([f]) => f !== 'jwks' || !/is not a valid public key/.test(fields[f] ?? ''),
      );
      assert.deepEqual(left, [], `${what}: ${JSON.stringify(fields)}`);
      for (const p of Object.values(known))
        if (typeof p !== 'string')
          assert.doesNotMatch(german.text(p), /^(redirect URI|display name|token lifetime)/);
    });

  test('the logo checks', () => {
    for (const bytes of [new Uint8Array(), SVG_LOGO])
      assert.throws(
        () => inspectLogo(bytes),
        (err: ValidationError) => untranslated(knownProblems(err.fields)).length === 0,
      );
  });

  test('a sentence nobody mapped stays as it is, for the page to show after the field name', () => {
    assert.deepEqual(knownProblems({ refreshIdleTtl: 'refresh token idle lifetime must be ...' }), {
      refreshIdleTtl: 'refresh token idle lifetime must be ...',
    });
  });
});
