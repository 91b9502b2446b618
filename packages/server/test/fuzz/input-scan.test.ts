import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { scanEncoded, scanText } from '../../src/http/input-scan.ts';
import { fuzzSeed } from './hostile.ts';

/**
 * The edge's one-pass scanner against a slow, obviously right model: percent-decode the
 * UTF-8 bytes as the URL standard does, decode them with a fatal UTF-8 decoder, then look
 * for controls with a regular expression.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the model names the controls it looks for
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function percentDecode(bytes: Buffer): Buffer {
  const out: number[] = [];
  const hex = (b: number | undefined) => b !== undefined && /^[0-9a-f]$/i.test(String.fromCharCode(b));
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === 0x25 && hex(bytes[i + 1]) && hex(bytes[i + 2])) {
      out.push(Number.parseInt(String.fromCharCode(bytes[i + 1] as number, bytes[i + 2] as number), 16));
      i += 2;
    } else out.push(b);
  }
  return Buffer.from(out);
}

function modelAccepts(text: string, asciiOnly: boolean): boolean {
  if (LONE_SURROGATE.test(text)) return false;
  if (asciiOnly && [...text].some((c) => (c.codePointAt(0) as number) > 0x7f)) return false;
  try {
    const decoded = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      percentDecode(Buffer.from(text, 'utf8')),
    );
    return !CONTROLS.test(decoded);
  } catch {
    return false;
  }
}

const byte = fc.integer({ min: 0, max: 255 });
const anyEscape = fc
  .tuple(byte, fc.boolean())
  .map(([b, upper]) => `%${b.toString(16).padStart(2, '0')[upper ? 'toUpperCase' : 'toLowerCase']()}`);
/** Escapes of bytes that start or continue UTF-8 sequences, so that valid ones are common too. */
const utf8Escape = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 1 })
  .map((c) => encodeURIComponent(c));
/** UTF-8 by hand, so surrogates, code points above U+10FFFF and overlong forms can be made too. */
function utf8Bytes(cp: number, overlong: boolean): number[] {
  const len = (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4) + (overlong && cp < 0x10000 ? 1 : 0);
  if (len === 1) return [cp];
  const out: number[] = [];
  for (let i = len - 1; i > 0; i--) out.unshift(0x80 | ((cp >> (6 * (len - 1 - i))) & 0x3f));
  const lead = [0, 0, 0xc0, 0xe0, 0xf0][len] as number;
  return [lead | (cp >> (6 * (len - 1))), ...out];
}
/** Escaped code points at the edges that matter: C0, DEL, C1, surrogates, U+10FFFF, lengths. */
const edgeEscape = fc
  .tuple(
    fc.oneof(
      fc.integer({ min: 0, max: 0xa0 }),
      fc.integer({ min: 0x7f0, max: 0x810 }),
      fc.integer({ min: 0xd7f0, max: 0xe010 }),
      fc.integer({ min: 0xfff0, max: 0x10010 }),
      fc.integer({ min: 0x10fff0, max: 0x110010 }),
    ),
    fc.boolean(),
    fc.nat({ max: 3 }),
  )
  .map(([cp, overlong, cut]) => {
    const bytes = utf8Bytes(cp, overlong);
    // Now and then a truncated sequence.
    const kept = cut === 0 && bytes.length > 1 ? bytes.slice(0, -1) : bytes;
    return kept.map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  });
const piece = fc.oneof(
  anyEscape,
  utf8Escape,
  edgeEscape,
  edgeEscape,
  fc.string({ unit: 'binary', maxLength: 3 }),
  fc.string({ unit: 'binary-ascii', maxLength: 3 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('%', '%z', '%4', '+', '&', '=', 'a', '%C3', '%E2%82', '%F0%9F%98'),
);
const encoded = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));

describe('input-scan agrees with a decode-then-check model', () => {
  it('scanEncoded (form bodies)', () => {
    fc.assert(
      fc.property(encoded, (text) => {
        assert.equal(scanEncoded(text) === undefined, modelAccepts(text, false), JSON.stringify(text));
      }),
      { numRuns: 5000, seed: fuzzSeed() },
    );
  });

  it('scanEncoded with asciiOnly (request targets)', () => {
    fc.assert(
      fc.property(encoded, (text) => {
        assert.equal(scanEncoded(text, true) === undefined, modelAccepts(text, true), JSON.stringify(text));
      }),
      { numRuns: 3000, seed: fuzzSeed() },
    );
  });

  it('scanText (decoded strings), with and without multi-line', () => {
    const text = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));
    fc.assert(
      fc.property(text, fc.boolean(), (t, multiline) => {
        const stripped = multiline ? t.replace(/[\t\n\r]/g, '') : t;
        const expected = !LONE_SURROGATE.test(t) && !CONTROLS.test(stripped);
        assert.equal(scanText(t, multiline) === undefined, expected, JSON.stringify(t));
      }),
      { numRuns: 3000, seed: fuzzSeed() },
    );
  });

  it('examples: what passes and what does not', () => {
    for (const ok of [
      '',
      'a=b&c=d',
      'caf%C3%A9',
      'caf%c3%a9',
      '100%',
      '%zz',
      '%F0%9F%98%80',
      'é',
      'a+b',
      '%C2%A0',
    ])
      assert.equal(scanEncoded(ok), undefined, ok);
    for (const bad of [
      '%00',
      '\u0000',
      '%0a',
      '\t',
      '%7F',
      '%C2%80',
      '%C2%9F',
      '\u0085',
      '%FF',
      '%C0%80',
      '%C3',
      '%C3x',
    ])
      assert.notEqual(scanEncoded(bad), undefined, bad);
    for (const bad of ['%ED%A0%80', '%F4%90%80%80', '%E0%80%AF', '\ud800', '\udc00x'])
      assert.equal(scanEncoded(bad)?.kind, 'utf8', bad);
    assert.equal(scanEncoded('/p?é', true)?.kind, 'non_ascii');
    assert.equal(scanText('line one\r\nline two\t', true), undefined);
    assert.equal(scanText('line one\nline two')?.kind, 'control');
  });
});
