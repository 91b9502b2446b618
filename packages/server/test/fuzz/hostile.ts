import fc from 'fast-check';

/**
 * Hostile input for the fuzz suite: strings with controls, lone surrogates, invalid UTF-8
 * bytes, percent-encoding garbage, unicode and huge values, put on the wire in the ways a
 * client (or an attacker) can put them there.
 */

/**
 * The seed of every property in a run: GATEHOUSE_FUZZ_SEED replays a failure (fast-check
 * prints the seed and path of the counterexample it found), otherwise a fresh one.
 */
export function fuzzSeed(): number {
  const fixed = Number(process.env.GATEHOUSE_FUZZ_SEED);
  return Number.isInteger(fixed) && process.env.GATEHOUSE_FUZZ_SEED ? fixed : (Math.random() * 2 ** 31) | 0;
}

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

export const percentGarbage = fc.constantFrom(
  '%',
  '%%',
  '%z',
  '%4',
  '%zz',
  '%00',
  '%0A',
  '%7F',
  '%C2%85',
  '%FF',
  '%C0%AF',
  '%C3',
  '%C3x',
  '%E2%82',
  '%ED%A0%80',
  '%F4%90%80%80',
  '%25%30%30',
  '%u0000',
  '+%2B+',
);

/** Text with one control character (or a lone surrogate) somewhere in it. */
const poisonedText = fc
  .tuple(
    fc.string({ maxLength: 12 }),
    fc.constantFrom(
      '\u0000',
      '\u0001',
      '\u001b',
      '\u007f',
      '\u0085',
      '\u009f',
      '\n',
      '\r',
      '\ud800',
      '\udfff',
    ),
    fc.string({ maxLength: 6 }),
  )
  .map(([a, c, b]) => a + c + b);

/** A decoded value as hostile as it gets. */
export const hostileString = fc.oneof(
  { weight: 4, arbitrary: poisonedText },
  { weight: 3, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 12 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '\u0000',
      'a\u0000b',
      '\u0085',
      '\u007f',
      '\r\n',
      '\t',
      '\u2028',
      '\ufeff',
      '\ufffd',
    ),
  },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 4 }), loneSurrogate).map(([a, b]) => a + b) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('a', '\u0000', 'é', '%', '€'), fc.integer({ min: 1, max: 20_000 }))
      .map(([c, n]) => c.repeat(n)),
  },
);

/** Every byte a form or query may not carry unescaped, escaped. */
export function formEncode(bytes: Buffer): string {
  let out = '';
  for (const b of bytes)
    out +=
      (b >= 0x30 && b <= 0x39) ||
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      b === 0x2d ||
      b === 0x2e ||
      b === 0x5f
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/** What poisons a value on the wire: controls raw or escaped, bytes that are not UTF-8, broken escapes. */
const poison = fc.oneof(
  fc
    .constantFrom('\u0000', '\u0001', '\u001f', '\u007f', '\u0085', '\u009f', '\n', '\t')
    .map((c) => Buffer.from(c)),
  fc
    .constantFrom([0xff], [0xc0, 0xaf], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80])
    .map((b) => Buffer.from(b)),
  percentGarbage.map((g) => Buffer.from(g)),
);

/** A legitimate value with poison spliced in somewhere: the input that gets furthest in. */
const poisoned = (known: readonly string[]) =>
  fc.tuple(fc.constantFrom(...known), poison, fc.nat()).map(([v, p, at]) => {
    const clean = Buffer.from(formEncode(Buffer.from(v)));
    const i = clean.length === 0 ? 0 : at % (clean.length + 1);
    return Buffer.concat([clean.subarray(0, i), p, clean.subarray(i)]);
  });

/** A value as it travels in a form body or query: bytes, since not all of them are UTF-8. */
export const wireValue = (known: readonly string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known).map((v) => Buffer.from(formEncode(Buffer.from(v)))) },
    { weight: 4, arbitrary: poisoned(known) },
    { weight: 3, arbitrary: hostileString.map((s) => Buffer.from(formEncode(Buffer.from(s, 'utf8')))) },
    { weight: 2, arbitrary: hostileString.map((s) => Buffer.from(s, 'utf8')) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b)) },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(formEncode(Buffer.from(b)))),
    },
    { weight: 2, arbitrary: percentGarbage.map((s) => Buffer.from(s)) },
  );

/**
 * A legitimate request (one of `templates`) with some parameters replaced by hostile values,
 * some dropped, and extra or repeated ones appended: it passes the early checks often
 * enough for the hostile value to reach the database.
 */
export const mutatedForm = (
  templates: readonly Record<string, string>[],
  names: readonly string[],
  known: readonly string[],
) =>
  fc
    .tuple(
      fc.constantFrom(...templates),
      fc.array(fc.tuple(fc.constantFrom(...names), wireValue(known)), { minLength: 1, maxLength: 3 }),
      fc.array(fc.constantFrom(...names), { maxLength: 1 }),
      fc.array(fc.tuple(fc.constantFrom(...names), wireValue(known)), { maxLength: 2 }),
    )
    .map(([template, overrides, dropped, extras]) => {
      const fields = new Map<string, Buffer>();
      for (const [k, v] of Object.entries(template)) fields.set(k, Buffer.from(formEncode(Buffer.from(v))));
      for (const [k, v] of overrides) fields.set(k, v);
      for (const k of dropped) fields.delete(k);
      const pairs = [...fields, ...extras];
      return Buffer.concat(pairs.flatMap(([k, v], i) => [Buffer.from(i > 0 ? `&${k}=` : `${k}=`), v]));
    });

/**
 * A form (or query string): parameters by name, known names most of the time, repeats
 * included, some without `=`, some empty; the parts joined by `&`.
 */
export const wireForm = (names: readonly string[], known: readonly string[]) =>
  fc
    .array(
      fc.tuple(
        fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom(...names).map((n) => Buffer.from(n)) },
          { weight: 1, arbitrary: wireValue(known) },
        ),
        fc.option(wireValue(known), { nil: undefined, freq: 8 }),
      ),
      { maxLength: 8 },
    )
    .map((pairs) =>
      Buffer.concat(
        pairs.flatMap(([k, v], i) => [
          ...(i > 0 ? [Buffer.from('&')] : []),
          k,
          ...(v === undefined ? [] : [Buffer.from('='), v]),
        ]),
      ),
    );

/** Header values as Node's HTTP parser would hand them over: latin1, no controls but TAB. */
export const headerText = fc
  .string({ unit: 'binary-ascii', maxLength: 40 })
  .map((s) => [...s].filter((c) => c === '\t' || (c >= ' ' && c !== '\u007f')).join(''));

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** Any Content-Type at all. */
export const contentType = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=utf-8',
      'application/x-www-form-urlencoded; charset=iso-8859-1',
      'APPLICATION/X-WWW-FORM-URLENCODED',
      'application/json',
      'application/json; charset=utf-16',
      'text/plain',
      'text/html',
      'multipart/form-data',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      '*/*',
      ';',
      'application/x-www-form-urlencoded;;;=',
    ),
  },
  { weight: 1, arbitrary: headerText },
);

/** An Authorization header: Basic over arbitrary bytes or hostile strings, other schemes, junk. */
export const authorization = (clientId: string, secret: string) =>
  fc.oneof(
    fc.constant(`Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`),
    fc
      .tuple(fc.uint8Array({ maxLength: 16 }), fc.uint8Array({ maxLength: 16 }))
      .map(
        ([a, b]) =>
          `Basic ${Buffer.concat([Buffer.from(a), Buffer.from(':'), Buffer.from(b)]).toString('base64')}`,
      ),
    fc
      .tuple(hostileString, hostileString)
      .map(([a, b]) => `Basic ${Buffer.from(`${a}:${b}`, 'utf8').toString('base64')}`),
    fc
      .tuple(wireValue([clientId]), wireValue([secret]))
      .map(([a, b]) => `Basic ${Buffer.concat([a, Buffer.from(':'), b]).toString('base64')}`),
    headerText.map((t) => `Basic ${t}`),
    headerText.map((t) => `Bearer ${t}`),
    headerText,
  );

/** A JSON document of any shape, or one that is nearly JSON, as bytes. */
export const jsonBody = (object: fc.Arbitrary<Record<string, unknown>>) =>
  fc.oneof(
    { weight: 4, arbitrary: object.map((o) => Buffer.from(JSON.stringify(o))) },
    {
      weight: 2,
      arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.uint8Array({ maxLength: 8 }), object)
        .map(([b, o]) =>
          Buffer.concat([Buffer.from(JSON.stringify(o).slice(0, -1)), Buffer.from(b), Buffer.from('}')]),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.nat({ max: 4000 }).map((n) => Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`)),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '',
          '{',
          '{"__proto__":{"x":1}}',
          '{"constructor":{"prototype":{}}}',
          'nul',
          '"\\ud800"',
        )
        .map((s) => Buffer.from(s)),
    },
  );

/** The form type most of the time (so that the body is read), now and then anything else or none. */
export const formContentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant<string | undefined>(FORM_TYPE) },
  { weight: 2, arbitrary: contentType },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
