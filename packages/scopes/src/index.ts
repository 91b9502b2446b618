/**
 * @gatehouse/scopes: the one scope model shared by the Gatehouse server and
 * @gatehouse/resource-server. RFC 6749 scope grammar, the atom algebra (normalise, covers,
 * intersect, missing), the scope catalog with parameterized templates, consent wording.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export {
  covers,
  equivalent,
  grammar,
  intersect,
  missing,
  normalise,
  type ParameterizedScope,
  PLAIN_GRAMMAR,
  type ScopeGrammar,
  splitParameterized,
  union,
} from './algebra.ts';
export {
  type ApiResource,
  CompiledCatalog,
  concreteScopes,
  FEATURE_PERMISSIONS,
  type FeatureFamily,
  type FeaturePermission,
  type PlainScope,
  type ScopeCatalog,
  type ScopeTemplate,
  templateSyntax,
  WILDCARD,
} from './catalog.ts';
export { describe, type ScopeDescription } from './describe.ts';
export { format, isScopeToken, parse, printable, ScopeSyntaxError } from './grammar.ts';
export { CatalogError, validateCatalog } from './validate-catalog.ts';
