import {
  covers as coversIn,
  grammar,
  missing,
  normalise,
  parse,
  type ScopeGrammar,
  ScopeSyntaxError,
} from '@gatehouse/scopes';
import { InvalidScope } from '../errors.ts';
import { DEFAULT_SCOPE_CATALOG } from './catalog.ts';

/**
 * Scope grammar shared by every endpoint: one parser, one normaliser, one `covers`, all
 * from @gatehouse/scopes so the resource server judges scopes exactly as we issue them.
 * Each function takes the grammar (which token names are parameterized) of the catalog in
 * use; the default knows the default catalog's templates. Catalog-aware work (unknown
 * scopes, `*`, strict or narrow policy) goes through {@link ScopeModel}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export { isScopeToken } from '@gatehouse/scopes';
export { ScopeModel, type ScopePolicy } from './model.ts';

/** The grammar of the default catalog (`target-entity` is parameterized). */
export const DEFAULT_GRAMMAR: ScopeGrammar = grammar(
  (DEFAULT_SCOPE_CATALOG.templates ?? []).map((t) => t.name),
);

/**
 * Parses a space-delimited scope string into its normal form (repeats dropped, sorted,
 * parameterized scopes merged per entity). Throws InvalidScope on bad syntax.
 */
export function parseScope(value: string, g: ScopeGrammar = DEFAULT_GRAMMAR): string[] {
  try {
    return normalise(parse(value), g);
  } catch (err) {
    if (err instanceof ScopeSyntaxError) throw new InvalidScope(err.message);
    throw err;
  }
}

export function normaliseScopes(tokens: Iterable<string>, g: ScopeGrammar = DEFAULT_GRAMMAR): string[] {
  return normalise(tokens, g);
}

export function formatScope(tokens: readonly string[]): string {
  return tokens.join(' ');
}

/** True when every requested scope is held (for parameterized ones: same entity, subset of permissions). */
export function covers(
  held: readonly string[],
  requested: readonly string[],
  g: ScopeGrammar = DEFAULT_GRAMMAR,
): boolean {
  return coversIn(held, requested, g);
}

/** Scopes requested but not held, normalised, for error messages. */
export function missingScopes(
  held: readonly string[],
  requested: readonly string[],
  g: ScopeGrammar = DEFAULT_GRAMMAR,
): string[] {
  return missing(held, requested, g);
}
