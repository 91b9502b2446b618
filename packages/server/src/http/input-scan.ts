/**
 * The character rule of the edge (input-guard.ts), as pure functions over strings.
 *
 * Refused everywhere: C0 controls U+0000 to U+001F, DEL U+007F, C1 controls U+0080 to
 * U+009F, lone UTF-16 surrogates, and bytes that are not UTF-8 (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF). The one exception: a field that is multi-line by
 * nature (the console's redirect URI textarea) may carry TAB, LF and CR. No OAuth parameter
 * may carry any of them (RFC 6749 appendix A: the value grammars stop at %x20).
 *
 * PostgreSQL refuses NUL in text outright (SQLSTATE 22021); the rest would be stored and
 * later echoed into logs, pages and redirects. Refusing the set at the edge is cheaper and
 * clearer than defending each of those places.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3629#section-4
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-A
 */

/** What is wrong with a piece of input, at which code unit. */
export interface Finding {
  kind: 'control' | 'utf8' | 'non_ascii';
  index: number;
}

/** Human words for a finding, shared by every error format. */
export function describeFinding(f: Finding): string {
  if (f.kind === 'control') return 'contains a control character';
  if (f.kind === 'utf8') return 'is not valid UTF-8';
  return 'contains a raw non-ASCII character (percent-encode it)';
}

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
}

const isControl = (c: number) => c < 0x20 || (c >= 0x7f && c <= 0x9f);

/**
 * Scans application/x-www-form-urlencoded text (a form body, or a URL's path and query) in
 * one pass, judging the bytes its percent-escapes decode to as UTF-8, the way
 * URLSearchParams will read them, but refusing what it would silently replace with U+FFFD.
 * A `%` not followed by two hex digits stays a literal `%`, as URLSearchParams keeps it.
 * With `asciiOnly` (request targets, RFC 3986), a raw character above U+007F is refused too.
 */
export function scanEncoded(text: string, asciiOnly = false): Finding | undefined {
  let need = 0; // continuation bytes still owed by a percent-encoded sequence
  let cp = 0;
  let lo = 0x80;
  let hi = 0xbf;
  let start = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    // The common case first: printable ASCII outside an escape sequence.
    if (c > 0x25 && c < 0x7f && need === 0) continue;
    if (c === 0x25 && i + 2 < n) {
      const h1 = hex(text.charCodeAt(i + 1));
      const h2 = h1 < 0 ? -1 : hex(text.charCodeAt(i + 2));
      if (h2 >= 0) {
        const b = (h1 << 4) | h2;
        if (need > 0) {
          if (b < lo || b > hi) return { kind: 'utf8', index: start };
          cp = (cp << 6) | (b & 0x3f);
          lo = 0x80;
          hi = 0xbf;
          need--;
          // Two-byte sequences are the only ones that can decode to a C1 control.
          if (need === 0 && cp <= 0x9f) return { kind: 'control', index: start };
        } else if (b < 0x80) {
          if (isControl(b)) return { kind: 'control', index: i };
        } else {
          start = i;
          if (b >= 0xc2 && b <= 0xdf) {
            need = 1;
            cp = b & 0x1f;
          } else if (b >= 0xe0 && b <= 0xef) {
            need = 2;
            cp = b & 0x0f;
            if (b === 0xe0) lo = 0xa0;
            if (b === 0xed) hi = 0x9f; // U+D800 to U+DFFF are not characters
          } else if (b >= 0xf0 && b <= 0xf4) {
            need = 3;
            cp = b & 0x07;
            if (b === 0xf0) lo = 0x90;
            if (b === 0xf4) hi = 0x8f; // nothing above U+10FFFF
          } else return { kind: 'utf8', index: i };
        }
        i += 2;
        continue;
      }
    }
    // A literal character cannot continue a percent-encoded sequence.
    if (need > 0) return { kind: 'utf8', index: start };
    if (c < 0x80) {
      if (isControl(c)) return { kind: 'control', index: i };
      continue;
    }
    if (asciiOnly) return { kind: 'non_ascii', index: i };
    if (c <= 0x9f) return { kind: 'control', index: i };
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return { kind: 'utf8', index: i };
      i++;
    }
  }
  return need > 0 ? { kind: 'utf8', index: start } : undefined;
}

/**
 * Scans decoded text (a JSON string, a console form field, Basic credentials). With
 * `multiline`, TAB, LF and CR pass.
 */
export function scanText(text: string, multiline = false): Finding | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue;
    if (c < 0x20) {
      if (multiline && (c === 0x09 || c === 0x0a || c === 0x0d)) continue;
      return { kind: 'control', index: i };
    }
    if (c <= 0x9f) return { kind: 'control', index: i };
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return { kind: 'utf8', index: i };
      i++;
    }
  }
  return undefined;
}

/**
 * The name of the form or query parameter a finding in encoded text falls in (for the
 * management API's `fields`), or undefined when it is in a URL's path.
 */
export function parameterAt(text: string, index: number): string | undefined {
  const query = text.indexOf('?');
  const inUrl = query >= 0 || text.startsWith('/');
  if (inUrl && (query < 0 || index < query)) return undefined;
  const from = Math.max(text.lastIndexOf('&', index), inUrl ? query : -1) + 1;
  let end = text.indexOf('&', from);
  if (end < 0) end = text.length;
  const eq = text.indexOf('=', from);
  const raw = text.slice(from, eq >= 0 && eq < end ? eq : end);
  let name: string;
  try {
    name = decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    name = raw;
  }
  // The name itself may be where the bad byte is: keep only what can be shown.
  return name.replace(/[^\w.:[\]-]/g, '?').slice(0, 40) || '?';
}
