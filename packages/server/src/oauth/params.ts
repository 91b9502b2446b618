import { InvalidRequest } from './errors.ts';

/**
 * Request parameters with RFC 6749's rule applied: "parameters MUST NOT be included more
 * than once". Parsing (by the platform's URLSearchParams) rejects repeats up front, so no
 * handler ever sees an ambiguous value. Parameters sent without a value count as absent.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1
 */
export class Params {
  private constructor(private readonly map: Map<string, string>) {}

  static fromEntries(entries: Iterable<[string, string]>): Params {
    const map = new Map<string, string>();
    for (const [k, v] of entries) {
      if (map.has(k)) throw new InvalidRequest(`parameter "${safeName(k)}" is included more than once`);
      map.set(k, v);
    }
    return new Params(map);
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
