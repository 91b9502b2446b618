import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LOCALES } from '../../src/i18n/catalogs.ts';
import { matchLocale, negotiateLocale, parseAcceptLanguage } from '../../src/i18n/negotiate.ts';
import { Translator } from '../../src/i18n/translator.ts';
import { html } from '../../src/pages/html.ts';

const de = LOCALES.find((l) => l.tag === 'de');
if (!de) throw new Error('the de locale is missing');

describe('Accept-Language (RFC 9110 12.5.4)', () => {
  test('ranges come out heaviest first; ties keep the order of the header', () => {
    assert.deepEqual(parseAcceptLanguage('fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5'), [
      { tag: 'fr-ch', q: 1 },
      { tag: 'fr', q: 0.9 },
      { tag: 'en', q: 0.8 },
      { tag: 'de', q: 0.7 },
      { tag: '*', q: 0.5 },
    ]);
    assert.deepEqual(parseAcceptLanguage('en;q=0.5,de,it;q=0.5'), [
      { tag: 'de', q: 1 },
      { tag: 'en', q: 0.5 },
      { tag: 'it', q: 0.5 },
    ]);
  });

  test('q=0 means "not this"; malformed ranges and weights are skipped, not fatal', () => {
    assert.deepEqual(parseAcceptLanguage('de;q=0, en'), [{ tag: 'en', q: 1 }]);
    assert.deepEqual(parseAcceptLanguage('de;q=2, en;q=abc, it;q=0.1234, <script>, fr ;q=0.3'), [
      { tag: 'fr', q: 0.3 },
    ]);
    assert.deepEqual(parseAcceptLanguage(''), []);
    assert.deepEqual(parseAcceptLanguage(undefined), []);
    assert.deepEqual(parseAcceptLanguage('Q=0.5'), []);
    assert.deepEqual(parseAcceptLanguage('de;Q=0.500'), [{ tag: 'de', q: 0.5 }]);
  });

  test('a tag matches exactly, then by its language; * matches nothing in particular', () => {
    assert.equal(matchLocale('de-AT')?.tag, 'de');
    assert.equal(matchLocale('DE')?.tag, 'de');
    assert.equal(matchLocale('fr'), undefined);
    assert.equal(matchLocale('*'), undefined);
  });
});

describe('negotiateLocale: ui_locales, then the cookie, then Accept-Language, then English', () => {
  test('the first supported tag of ui_locales wins over everything', () => {
    assert.equal(negotiateLocale({ uiLocales: 'fr-CA de en', cookie: 'en', acceptLanguage: 'en' }).tag, 'de');
  });
  test('ui_locales with nothing we speak falls through to the cookie', () => {
    assert.equal(negotiateLocale({ uiLocales: 'fr ja', cookie: 'de', acceptLanguage: 'en' }).tag, 'de');
  });
  test('the cookie wins over Accept-Language; an unknown cookie is ignored', () => {
    assert.equal(negotiateLocale({ cookie: 'en', acceptLanguage: 'de' }).tag, 'en');
    assert.equal(negotiateLocale({ cookie: 'xx', acceptLanguage: 'de' }).tag, 'de');
  });
  test('Accept-Language: the heaviest range we speak', () => {
    assert.equal(negotiateLocale({ acceptLanguage: 'fr;q=1, en;q=0.2, de-DE;q=0.9' }).tag, 'de');
    assert.equal(negotiateLocale({ acceptLanguage: 'de;q=0.1, en;q=0.2' }).tag, 'en');
  });
  test('nothing usable: English', () => {
    assert.equal(negotiateLocale({}).tag, 'en');
    assert.equal(negotiateLocale({ acceptLanguage: 'fr, ja;q=0.5, *;q=0.1' }).tag, 'en');
  });
});

describe('Translator', () => {
  const en = new Translator();
  const german = new Translator(de);

  test('placeholders are filled; numbers are formatted for the locale', () => {
    assert.equal(en.t('sign_in.with_upstream', { name: 'Okta' }), 'Sign in with Okta');
    assert.equal(german.t('sign_in.with_upstream', { name: 'Okta' }), 'Mit Okta anmelden');
    assert.equal(german.t('consent.scope_count', { count: 1234 }), '1.234 Berechtigungen');
  });

  test('plurals go through Intl.PluralRules', () => {
    assert.equal(en.t('sign_in.seconds', { count: 1 }), '1 second');
    assert.equal(en.t('sign_in.seconds', { count: 0 }), '0 seconds');
    assert.equal(en.t('sign_in.seconds', { count: 2 }), '2 seconds');
    assert.equal(german.t('sign_in.minutes', { count: 1 }), '1 Minute');
    assert.equal(german.t('sign_in.minutes', { count: 5 }), '5 Minuten');
  });

  test('dates and lists through Intl, in the locale', () => {
    const d = new Date('2026-03-04T05:06:00Z');
    assert.equal(en.date(d), 'Mar 4, 2026, 05:06 AM UTC');
    assert.equal(german.date(d), '4. März 2026, 05:06 UTC');
    assert.equal(en.or(['pro', 'enterprise']), 'pro or enterprise');
    assert.equal(german.or(['pro', 'enterprise']), 'pro oder enterprise');
  });

  test('html(): the message and string variables are escaped, SafeHtml variables are not', () => {
    const out = en.html('sign_in.continue_to', { app: html`<strong>${'<b>Evil & Co</b>'}</strong>` }).value;
    assert.equal(out, 'to continue to <strong>&lt;b&gt;Evil &amp; Co&lt;/b&gt;</strong>');
    const plain = en.html('consent.revocable', { company: '<img src=x>' }).value;
    assert.equal(plain, 'Administrators of &lt;img src=x&gt; can revoke this access at any time.');
  });
});
