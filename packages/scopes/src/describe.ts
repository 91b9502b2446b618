import { splitParameterized } from './algebra.ts';
import { type CompiledCatalog, inLocale } from './catalog.ts';

/** One line of a consent screen. */
export interface ScopeDescription {
  scope: string;
  description: string;
}

/**
 * Says what each (normalised) scope grants, in words a person approving consent reads:
 * catalog descriptions for concrete scopes; for a parameterized scope the template's
 * description, the entity and each permission's description. A scope the catalog does
 * not know is shown as itself, never dropped: consent must not hide what is asked.
 * `locale` (a BCP 47 tag) picks among descriptions the catalog gives in several languages;
 * without it, or when the catalog has none in that language, English (or the first given).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function describe(
  scopes: readonly string[],
  catalog: CompiledCatalog,
  locale = 'en',
): ScopeDescription[] {
  return scopes.map((scope) => {
    const concrete = catalog.concrete.get(scope);
    if (concrete)
      return { scope, description: inLocale(concrete.description, concrete.descriptions, locale) };
    const p = splitParameterized(scope, catalog.grammar);
    const t = p && catalog.template(p.name);
    if (!p || !t) return { scope, description: scope };
    const perms = p.permissions.map((name) => {
      const perm = t.permissions.find((x) => x.name === name);
      return perm ? inLocale(perm.description, perm.descriptions, locale) : name;
    });
    const what = inLocale(t.description, t.descriptions, locale);
    return { scope, description: `${what} ${p.entity}: ${perms.join('; ')}` };
  });
}
