import { grammar, type ScopeGrammar, splitParameterized } from './algebra.ts';

/**
 * The scope catalog: every scope an app may hold, and how to say it to a person. Three
 * shapes, one per dialect the seed guides speak:
 *
 * - plain scopes with a description (`v1_access`, `view:user`);
 * - feature families (`users` offering read / write / delete gives `users.read`, ...);
 * - parameterized templates, `target-entity:{entity}:{permissions}`, where `{entity}` must
 *   match an id pattern and `{permissions}` is a comma-separated subset of a named list.
 *
 * `wildcard: true` lets a request say `*` for "every scope this app holds".
 */
export type FeaturePermission = 'read' | 'write' | 'delete';

export const FEATURE_PERMISSIONS: readonly FeaturePermission[] = ['read', 'write', 'delete'];

export interface PlainScope {
  name: string;
  description: string;
}

export interface FeatureFamily {
  /** Scope prefix, e.g. `time_clock`. */
  name: string;
  /** Human label, e.g. `Time Clock`. */
  label: string;
  permissions: FeaturePermission[];
}

export interface ScopeTemplate {
  /** The fixed first part, e.g. `target-entity`. */
  name: string;
  /** What the scope reaches, for consent: "Access to entity". */
  description: string;
  /** Regular expression (source text, matched against the whole id) for `{entity}`. */
  entityPattern: string;
  /** The permissions `{permissions}` may list. */
  permissions: PlainScope[];
}

export interface ScopeCatalog {
  plain: PlainScope[];
  features: FeatureFamily[];
  templates?: ScopeTemplate[];
  /** Accept `*` in requests as "every scope this app holds". Default false. */
  wildcard?: boolean;
  /** APIs a token may be narrowed to with `resource` (RFC 8707). */
  resources?: ApiResource[];
}

/**
 * An API registered as a resource (RFC 8707): its identifier (the `aud` of the tokens issued
 * for it), a name, and the scopes that belong to it (scope names, or template names for
 * every parameterized scope of that template).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2
 */
export interface ApiResource {
  uri: string;
  name: string;
  scopes: string[];
}

/** The request token meaning "every scope this app holds". */
export const WILDCARD = '*';

const VERB: Record<FeaturePermission, string> = {
  read: 'Read',
  write: 'Create and update',
  delete: 'Delete',
};

/**
 * Every concrete (parameter-free) scope in the catalog with its description, in catalog
 * order: what discovery metadata lists as `scopes_supported`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export function concreteScopes(catalog: ScopeCatalog): PlainScope[] {
  const out: PlainScope[] = [...catalog.plain];
  for (const f of catalog.features) {
    for (const p of f.permissions)
      out.push({ name: `${f.name}.${p}`, description: `${VERB[p]} ${f.label.toLowerCase()}` });
  }
  return out;
}

/** The display form of a template: `target-entity:{entity}:{permissions}`. */
export function templateSyntax(t: ScopeTemplate): string {
  return `${t.name}:{entity}:{permissions}`;
}

/**
 * A catalog compiled for lookups: the set of concrete names, the grammar that knows the
 * template names, and the compiled entity patterns. Build it once per catalog.
 */
export class CompiledCatalog {
  readonly grammar: ScopeGrammar;
  readonly concrete: ReadonlyMap<string, PlainScope>;
  private readonly templates: Map<string, { template: ScopeTemplate; entity: RegExp; perms: Set<string> }>;

  constructor(readonly catalog: ScopeCatalog) {
    this.concrete = new Map(concreteScopes(catalog).map((s) => [s.name, s]));
    this.templates = new Map(
      (catalog.templates ?? []).map((t) => [
        t.name,
        {
          template: t,
          entity: new RegExp(`^(?:${t.entityPattern})$`),
          perms: new Set(t.permissions.map((p) => p.name)),
        },
      ]),
    );
    this.grammar = grammar(this.templates.keys());
  }

  get wildcard(): boolean {
    return this.catalog.wildcard === true;
  }

  template(name: string): ScopeTemplate | undefined {
    return this.templates.get(name)?.template;
  }

  /**
   * Why `token` is not a scope of this catalog, or undefined when it is. A parameterized
   * token is known when its entity matches the pattern and every permission is listed.
   */
  problem(token: string): string | undefined {
    if (this.concrete.has(token)) return undefined;
    const p = splitParameterized(token, this.grammar);
    const t = p && this.templates.get(p.name);
    if (!p || !t) return 'is not a known scope';
    if (p.entity.length > 200 || !t.entity.test(p.entity))
      return `names an entity id that does not match ${templateSyntax(t.template)}`;
    const bad = p.permissions.find((x) => !t.perms.has(x));
    if (bad !== undefined) return `asks for permission "${bad}", which ${t.template.name} does not offer`;
    return undefined;
  }

  isKnown(token: string): boolean {
    return this.problem(token) === undefined;
  }

  /** The tokens this catalog does not know, each with the reason. */
  unknown(tokens: Iterable<string>): Array<{ scope: string; problem: string }> {
    const out: Array<{ scope: string; problem: string }> = [];
    for (const scope of tokens) {
      const problem = this.problem(scope);
      if (problem !== undefined) out.push({ scope, problem });
    }
    return out;
  }
}
