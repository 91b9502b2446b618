import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/index.ts';
import { loadThemeFile } from '../../src/config/theme.ts';
import { LOCALE_COOKIE } from '../../src/http/page-ui.ts';
import { Browser, signIn } from '../browser.ts';
import { type TestServer, testServer } from '../helpers.ts';

const PASSWORD = 'correct horse battery staple';
const REDIRECT = 'https://client.example/callback';
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-theme-'));

function themeFile(name: string, theme: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof theme === 'string' ? theme : JSON.stringify(theme));
  return path;
}

writeFileSync(join(dir, 'extra.css'), '.card { border-block-start: 4px solid var(--brand); }\n');
const THEME = themeFile('theme.json', {
  product_name: 'Shiftwise',
  logo_url: 'https://cdn.shiftwise.example/logo.svg',
  colors: { primary: '#0f766e', primary_hover: 'rgb(17 94 89)', background: 'whitesmoke' },
  support_url: 'https://support.shiftwise.example/',
  privacy_url: 'https://shiftwise.example/privacy',
  extra_css: 'extra.css',
});

describe('GATEHOUSE_THEME: checked at startup', () => {
  test('a valid file: every field, extra_css read relative to the theme file', () => {
    const { theme } = loadConfig({
      env: { GATEHOUSE_THEME: THEME },
      overrides: { dataDir: dir, serverSecret: 'x'.repeat(32) },
    });
    assert.equal(theme.productName, 'Shiftwise');
    assert.equal(theme.logoUrl, 'https://cdn.shiftwise.example/logo.svg');
    assert.deepEqual(theme.colors, {
      primary: '#0f766e',
      primary_hover: 'rgb(17 94 89)',
      background: 'whitesmoke',
    });
    assert.match(theme.extraCss ?? '', /border-block-start/);
  });

  test('unset: the Gatehouse theme', () => {
    const { theme } = loadConfig({ env: {}, overrides: { dataDir: dir, serverSecret: 'x'.repeat(32) } });
    assert.equal(theme.productName, 'Gatehouse');
  });

  const refusals: [string, unknown, RegExp][] = [
    ['not JSON', '{"product_name":', /is not valid JSON|cannot read/],
    ['not an object', '[1]', /must be a JSON object/],
    ['an unknown field', { product_name: 'X', colour: {} }, /unknown field "colour"/],
    [
      'a colour that could close its rule',
      { colors: { primary: 'red; } body { display: none' } },
      /colors\.primary must be a CSS colour/,
    ],
    ['a colour nobody knows', { colors: { sparkle: '#fff' } }, /colors\.sparkle is not a theme colour/],
    ['a logo over http', { logo_url: 'http://cdn.example/logo.png' }, /logo_url must be an https URL/],
    ['a protocol-relative logo', { logo_url: '//cdn.example/logo.png' }, /logo_url must be/],
    [
      'a javascript: support link',
      { support_url: 'javascript:alert(1)' },
      /support_url must be an https URL/,
    ],
    ['a missing extra_css file', { extra_css: 'nope.css' }, /extra_css: cannot read .*nope\.css: ENOENT/],
    ['an empty product name', { product_name: ' ' }, /product_name must be a non-empty string/],
  ];
  for (const [what, content, message] of refusals)
    test(`refused: ${what}, with the variable and the file named`, () => {
      const path = themeFile(`bad-${what.replaceAll(' ', '-')}.json`, content);
      assert.throws(
        () => loadThemeFile(path),
        (err: Error) => {
          assert.match(err.message, /^GATEHOUSE_THEME: /);
          assert.match(err.message, message);
          return true;
        },
      );
    });

  test('a missing theme file', () => {
    assert.throws(
      () => loadThemeFile(join(dir, 'missing.json')),
      /GATEHOUSE_THEME: cannot read .*missing\.json: ENOENT/,
    );
  });
});

describe('pages in the theme and in the language asked for', () => {
  let t: TestServer;
  let clientId: string;

  before(async () => {
    t = await testServer({ config: { theme: loadThemeFile(THEME) } });
    ({ clientId } = await t.createApp({
      name: 'Timekeeper',
      type: 'partner',
      grantTypes: ['authorization_code'],
      scopes: ['view:user'],
      redirectUris: [REDIRECT],
    }));
    await t.gh.companies.createUser(
      { email: 'ada@acme.test', password: PASSWORD, companyId: t.companyId, role: 'admin' },
      'test',
    );
  });
  after(() => t.close());

  const authorizeUrl = (extra = '') =>
    `/oauth2/authorize?response_type=code&client_id=${clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=view:user&state=s${extra}`;

  test('ui_locales=de: German login and consent pages, lang="de", carried by a cookie', async () => {
    const b = new Browser(t.http);
    const login = await b.follow('GET', authorizeUrl('&ui_locales=fr%20de'));
    assert.equal(login.res.statusCode, 200);
    assert.equal(b.cookies.get(LOCALE_COOKIE), 'de');
    assert.match(login.res.body, /<html lang="de" dir="ltr">/);
    assert.match(login.res.body, /<h1>Anmelden<\/h1>/);
    assert.match(login.res.body, /um mit <strong>Timekeeper<\/strong> fortzufahren/);
    assert.match(login.res.body, /<label for="password">Passwort<\/label>/);
    assert.doesNotMatch(login.res.body, /Sign in|Password/);

    const consent = await signIn(b, login.res.body, 'ada@acme.test', PASSWORD);
    assert.equal(consent.res.statusCode, 200);
    assert.match(consent.res.body, /<html lang="de" dir="ltr">/);
    assert.match(consent.res.body, /<strong>Timekeeper<\/strong> möchte auf Acme zugreifen/);
    assert.match(consent.res.body, />Zugriff erlauben</);
    assert.match(consent.res.body, />Ablehnen</);
    assert.doesNotMatch(consent.res.body, /Grant access|Deny/);
  });

  test('a wrong password in German: the error is German too', async () => {
    const b = new Browser(t.http);
    const login = await b.follow('GET', authorizeUrl('&ui_locales=de'));
    const again = await signIn(b, login.res.body, 'ada@acme.test', 'wrong password!');
    assert.match(again.res.body, /Die E-Mail-Adresse oder das Passwort ist falsch\./);
  });

  test('Accept-Language picks the language when nothing else does; English by default', async () => {
    const de = await t.http.inject({
      url: '/login',
      headers: { 'accept-language': 'fr;q=1, de-AT;q=0.8, en;q=0.5' },
    });
    assert.match(de.body, /<html lang="de" dir="ltr">/);
    assert.match(de.body, /<h1>Anmelden<\/h1>/);
    const en = await t.http.inject({ url: '/login' });
    assert.match(en.body, /<html lang="en" dir="ltr">/);
    assert.match(en.body, /<h1>Sign in<\/h1>/);
    const cookie = await t.http.inject({
      url: '/login',
      headers: { 'accept-language': 'de', cookie: `${LOCALE_COOKIE}=en` },
    });
    assert.match(
      cookie.body,
      /<h1>Sign in<\/h1>/,
      'the cookie of an earlier ui_locales wins over the header',
    );
  });

  test('error pages are translated; their technical detail and code stay as they are', async () => {
    const res = await t.http.inject({
      url: `/oauth2/authorize?client_id=nope&response_type=code&ui_locales=de`,
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<html lang="de"/);
    assert.match(res.body, /Dieser Link kann nicht verwendet werden/);
    assert.match(res.body, /Fehlercode: <code>invalid_request<\/code>/);
    const post = await t.http.inject({
      method: 'POST',
      url: '/login',
      headers: { 'accept-language': 'de', 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'csrf_token=x',
    });
    assert.equal(post.statusCode, 403);
    assert.match(post.body, /Ihre Sitzung ist abgelaufen/);
  });

  test('the theme: product name, logo, footer links and stylesheet on login, consent and console pages', async () => {
    const b = new Browser(t.http);
    const login = await b.follow('GET', authorizeUrl());
    const consent = await signIn(b, login.res.body, 'ada@acme.test', PASSWORD);
    const console = await b.follow('GET', '/console');
    assert.equal(console.res.statusCode, 200);
    for (const [name, page] of [
      ['login', login.res.body],
      ['consent', consent.res.body],
      ['console', console.res.body],
    ] as const) {
      assert.doesNotMatch(page, /Gatehouse/, `${name} still says Gatehouse`);
      assert.match(page, /<span class="brand-name">Shiftwise<\/span>/, name);
      assert.match(page, /<img class="brand-logo" src="https:\/\/cdn\.shiftwise\.example\/logo\.svg"/, name);
      assert.match(page, /<a href="https:\/\/support\.shiftwise\.example\/">Support<\/a>/, name);
      assert.match(page, /<a href="https:\/\/shiftwise\.example\/privacy">Privacy<\/a>/, name);
      assert.match(page, /<link rel="stylesheet" href="\/assets\/theme\.css\?v=[\w-]+">/, name);
    }
    assert.match(login.res.body, /<title>Sign in · Shiftwise<\/title>/);
    assert.match(console.res.body, /<title>OAuth apps · Acme · Shiftwise<\/title>/);
  });

  test('/assets/theme.css: the colours as custom properties, then the extra CSS; cacheable, our origin', async () => {
    const res = await t.http.inject({ url: '/assets/theme.css' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/css/);
    assert.match(String(res.headers['cache-control']), /public, max-age=\d+/);
    assert.match(
      res.body,
      /:root \{\n {2}--brand: #0f766e;\n {2}--brand-dark: rgb\(17 94 89\);\n {2}--bg: whitesmoke;\n\}/,
    );
    assert.match(res.body, /\.card \{ border-block-start: 4px solid var\(--brand\); \}/);
    const page = await t.http.inject({ url: '/login' });
    assert.match(String(page.headers['content-security-policy']), /style-src 'self';/);
  });

  test('ui_locales_supported in both metadata documents', async () => {
    for (const url of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const res = await t.http.inject({ url });
      assert.deepEqual(res.json().ui_locales_supported, ['en', 'de'], url);
    }
  });
});
