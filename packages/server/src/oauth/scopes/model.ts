import {
  CompiledCatalog,
  covers,
  describe,
  intersect,
  missing,
  normalise,
  parse,
  printable,
  type ScopeCatalog,
  type ScopeDescription,
  ScopeSyntaxError,
  WILDCARD,
} from '@gatehouse/scopes';
import type { ScopePolicy } from '../../storage/types.ts';
import { InvalidScope } from '../errors.ts';

export type { ScopePolicy };

const quoted = (xs: readonly string[]) => xs.map((s) => `"${printable(s)}"`).join(', ');

/**
 * The scope catalog in use plus the algebra bound to its grammar: the one object the
 * token, authorize, refresh, introspection and revocation paths ask about scopes.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export class ScopeModel {
  readonly catalog: CompiledCatalog;
  /** grant() answers by held list, then by `policy\0request`. */
  private readonly granted = new WeakMap<readonly string[], Map<string, readonly string[]>>();

  constructor(catalog: ScopeCatalog) {
    this.catalog = new CompiledCatalog(catalog);
  }

  get grammar() {
    return this.catalog.grammar;
  }

  /** The catalog's concrete scopes, for `scopes_supported` and the console. */
  supported(): string[] {
    return [...this.catalog.concrete.keys()];
  }

  normalise(tokens: Iterable<string>): string[] {
    return normalise(tokens, this.grammar);
  }

  covers(held: readonly string[], requested: readonly string[]): boolean {
    return covers(held, requested, this.grammar);
  }

  intersect(a: readonly string[], b: readonly string[]): string[] {
    return intersect(a, b, this.grammar);
  }

  missing(held: readonly string[], requested: readonly string[]): string[] {
    return missing(held, requested, this.grammar);
  }

  describe(scopes: readonly string[]): ScopeDescription[] {
    return describe(this.normalise(scopes), this.catalog);
  }

  /**
   * Parses a `scope` request parameter (RFC 6749 3.3 syntax) and expands `*` into `held`
   * when the catalog enables it. Returns the normalised request; throws InvalidScope on
   * bad syntax or a scope the catalog does not know.
   */
  parseRequest(value: string, held: readonly string[]): string[] {
    let tokens: string[];
    try {
      tokens = parse(value);
    } catch (err) {
      if (err instanceof ScopeSyntaxError) throw new InvalidScope(err.message);
      throw err;
    }
    if (this.catalog.wildcard && tokens.includes(WILDCARD))
      tokens = [...tokens.filter((t) => t !== WILDCARD), ...held];
    const normalised = this.normalise(tokens);
    const unknown = this.catalog.unknown(normalised);
    if (unknown.length > 0)
      throw new InvalidScope(
        unknown.map((u) => `scope "${printable(u.scope)}" ${u.problem}`).join('; ') +
          (tokens.includes(WILDCARD) ? ' ("*" is not enabled in this server\'s scope catalog)' : ''),
      );
    return normalised;
  }

  /**
   * The scopes to grant for a request against what the client `held`s (an app's scopes,
   * or a grant's). Absent or empty `scope`: everything held. Otherwise the request must
   * be within `held` (`strict`), or is cut down to it (`narrow`; an empty result is still
   * invalid_scope, since a token for nothing helps no one).
   *
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
   */
  grant(held: readonly string[], requested: string | undefined, policy: ScopePolicy = 'strict'): string[] {
    // Held scopes were normalised when the app (or grant) was created.
    if (requested === undefined) return [...held];
    // Apps' scopes never change once created, and a cached app keeps the same array, so the
    // answer for (held, request, policy) is computed once: parsing and normalising allocated
    // more per token request than anything else of ours. Refusals are not kept.
    let memo = this.granted.get(held);
    const key = `${policy}\u0000${requested}`;
    const known = memo?.get(key);
    if (known !== undefined) return [...known];
    const granted = this.decide(held, requested, policy);
    if (memo === undefined) {
      memo = new Map();
      this.granted.set(held, memo);
    }
    // Bounded per held list: a client cycling through scope strings cannot grow it.
    if (memo.size >= 32) memo.clear();
    memo.set(key, granted);
    return [...granted];
  }

  private decide(held: readonly string[], requested: string, policy: ScopePolicy): string[] {
    const asked = this.parseRequest(requested, held);
    if (asked.length === 0) return [...held];
    if (policy === 'narrow') {
      const granted = this.intersect(held, asked);
      if (granted.length === 0)
        throw new InvalidScope(`none of the requested scopes (${quoted(asked)}) is granted to this app`);
      return granted;
    }
    if (this.covers(held, asked)) return asked;
    const beyond = this.missing(held, asked);
    throw new InvalidScope(
      `scope ${quoted(beyond)} ${beyond.length === 1 ? 'is' : 'are'} not granted to this app`,
    );
  }
}
