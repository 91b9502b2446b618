import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { configWarnings } from '../src/config/index.ts';
import { parseUpstreams, signInConfig } from '../src/config/sign-in.ts';
import { testConfig } from './helpers.ts';

const CORP = {
  id: 'corp',
  name: 'Corp SSO',
  issuer: 'https://login.corp.test/',
  client_id: 'gh',
  client_secret: 's',
};

describe('sign-in configuration (GATEHOUSE_LOCAL_PASSWORDS, GATEHOUSE_UPSTREAMS)', () => {
  test('defaults: passwords on, no upstreams', () => {
    assert.deepEqual(signInConfig({}), { localPasswords: true, upstreams: [], upstreamTimeoutMs: 5000 });
  });

  test('an upstream with its defaults filled in', () => {
    assert.deepEqual(parseUpstreams(JSON.stringify([CORP])), [
      {
        id: 'corp',
        name: 'Corp SSO',
        issuer: 'https://login.corp.test',
        clientId: 'gh',
        clientSecret: 's',
        scopes: ['openid', 'email', 'profile'],
        claims: { email: 'email', name: 'name', companies: null },
        link: 'verified-email',
        provision: true,
      },
    ]);
    const [custom] = parseUpstreams(
      JSON.stringify([
        {
          ...CORP,
          scopes: 'email groups',
          claims: { email: 'mail', companies: 'orgs' },
          link: 'subject-only',
          provision: false,
        },
      ]),
    );
    assert.deepEqual(custom?.scopes, ['openid', 'email', 'groups']);
    assert.deepEqual(custom?.claims, { email: 'mail', name: 'name', companies: 'orgs' });
    assert.equal(custom?.link, 'subject-only');
    assert.equal(custom?.provision, false);
  });

  test('from a file, when the value is a path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-upstreams-'));
    try {
      const file = join(dir, 'upstreams.json');
      writeFileSync(file, JSON.stringify([CORP]));
      assert.equal(signInConfig({ GATEHOUSE_UPSTREAMS: file }).upstreams[0]?.id, 'corp');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses what cannot work, naming the variable', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ GATEHOUSE_LOCAL_PASSWORDS: 'maybe' }, /GATEHOUSE_LOCAL_PASSWORDS must be on or off/],
      [{ GATEHOUSE_LOCAL_PASSWORDS: 'off' }, /needs another way to sign in/],
      [{ GATEHOUSE_LOGIN_URL: 'login.acme.test' }, /GATEHOUSE_LOGIN_URL must be a URL/],
      [{ GATEHOUSE_LOGIN_URL: 'ftp://login.acme.test' }, /GATEHOUSE_LOGIN_URL must be an https/],
      [{ GATEHOUSE_LOGIN_URL: 'https://a.test/?login_challenge=x' }, /must not carry a login_challenge/],
      [{ GATEHOUSE_UPSTREAMS: '[1' }, /not valid JSON/],
      [{ GATEHOUSE_UPSTREAMS: '[{}]' }, /"id" must be a non-empty string/],
      [{ GATEHOUSE_UPSTREAMS: JSON.stringify([{ ...CORP, id: 'Corp SSO' }]) }, /lowercase letters/],
      [{ GATEHOUSE_UPSTREAMS: JSON.stringify([{ ...CORP, issuer: 'ftp://x' }]) }, /must be https/],
      [{ GATEHOUSE_UPSTREAMS: JSON.stringify([CORP, CORP]) }, /"corp" is used twice/],
      [{ GATEHOUSE_UPSTREAMS: JSON.stringify([{ ...CORP, link: 'email' }]) }, /"link" must be/],
      [{ GATEHOUSE_UPSTREAM_TIMEOUT_MS: '5' }, /GATEHOUSE_UPSTREAM_TIMEOUT_MS/],
    ];
    for (const [env, message] of bad) assert.throws(() => signInConfig(env), message, JSON.stringify(env));
  });

  test('login delegation: the URL and its name; passwords may be off with delegation alone', () => {
    assert.equal(signInConfig({}).delegation, undefined);
    const on = signInConfig({
      GATEHOUSE_LOCAL_PASSWORDS: 'off',
      GATEHOUSE_LOGIN_URL: 'https://login.acme.test/gatehouse?tenant=1',
    });
    assert.deepEqual(on.delegation, {
      url: 'https://login.acme.test/gatehouse?tenant=1',
      name: 'login.acme.test',
    });
    assert.equal(on.localPasswords, false);
    const named = signInConfig({
      GATEHOUSE_LOGIN_URL: 'http://127.0.0.1:4100/',
      GATEHOUSE_LOGIN_NAME: ' Acme ',
    });
    assert.equal(named.delegation?.name, 'Acme');
  });

  test('passwords off with an upstream; an http upstream is a warning in production', () => {
    const env = {
      GATEHOUSE_LOCAL_PASSWORDS: 'OFF',
      GATEHOUSE_UPSTREAMS: JSON.stringify([{ ...CORP, issuer: 'http://sso.test' }]),
    };
    const signIn = signInConfig(env);
    assert.equal(signIn.localPasswords, false);
    const dir = mkdtempSync(join(tmpdir(), 'gh-upstreams-'));
    try {
      const warnings = configWarnings(testConfig(dir, { production: true, signIn }));
      assert.ok(warnings.some((w) => w.includes('upstream corp (http://sso.test) is not https')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
