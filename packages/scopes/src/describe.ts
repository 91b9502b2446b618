import { splitParameterized } from './algebra.ts';
import type { CompiledCatalog } from './catalog.ts';

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
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function describe(scopes: readonly string[], catalog: CompiledCatalog): ScopeDescription[] {
  return scopes.map((scope) => {
    const concrete = catalog.concrete.get(scope);
    if (concrete) return { scope, description: concrete.description };
    const p = splitParameterized(scope, catalog.grammar);
    const t = p && catalog.template(p.name);
    if (!p || !t) return { scope, description: scope };
    const perms = p.permissions.map(
      (name) => t.permissions.find((x) => x.name === name)?.description ?? name,
    );
    return { scope, description: `${t.description} ${p.entity}: ${perms.join('; ')}` };
  });
}
