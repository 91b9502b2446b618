import { InvalidRequest } from './errors.ts';

/** Parameters an extension lets a request repeat: `resource` (RFC 8707 2). */
const REPEATABLE = new Set(['resource']);
const NONE: readonly string[] = Object.freeze([]);

/**
 * Request parameters with RFC 6749's rule applied: "parameters MUST NOT be included more
 * than once". Parsing (by the platform's URLSearchParams) rejects repeats up front, so no
 * handler ever sees an ambiguous value; only `resource` may repeat (RFC 8707), read with
 * {@link Params.all}. Parameters sent without a value count as absent.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2
 */
export class Params {
  private constructor(
    private readonly map: Map<string, string>,
    private readonly repeated?: Map<string, string[]>,
  ) {}

  static fromEntries(entries: Iterable<[string, string]>): Params {
    const map = new Map<string, string>();
    let repeated: Map<string, string[]> | undefined;
    for (const [k, v] of entries) {
      if (map.has(k)) {
        if (!REPEATABLE.has(k))
          throw new InvalidRequest(`parameter "${safeName(k)}" is included more than once`);
        repeated ??= new Map();
        repeated.set(k, [...(repeated.get(k) ?? [map.get(k) as string]), v]);
        continue;
      }
      map.set(k, v);
    }
    return new Params(map, repeated);
  }

  /** Every value of a repeatable parameter, in order; empty values left out. */
  all(name: string): readonly string[] {
    const many = this.repeated?.get(name);
    if (many !== undefined) return many.filter((v) => v !== '');
    const one = this.get(name);
    // Absent (the common case): one shared empty list, nothing allocated per request.
    return one === undefined ? NONE : [one];
  }

  /** Parses an application/x-www-form-urlencoded body. */
  static fromForm(body: string): Params {
    return Params.fromEntries(new URLSearchParams(body));
  }

  get(name: string): string | undefined {
    const v = this.map.get(name);
    return v === undefined || v === '' ? undefined : v;
  }

  require(name: string): string {
    const v = this.get(name);
    if (v === undefined) throw new InvalidRequest(`parameter "${name}" is required`);
    return v;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}

function safeName(name: string): string {
  return name.replace(/[^\w.:-]/g, '?').slice(0, 40);
}
