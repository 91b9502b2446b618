/**
 * The scope algebra every Gatehouse path shares: authorize, token, refresh, introspection,
 * revocation and the resource server. It works on sets of *atoms*:
 *
 * - a plain token (`users.read`, `view:user`, `v1_access`) is one atom;
 * - a parameterized token `<name>:<entity>:<p1>,<p2>,...` whose name the grammar declares
 *   parameterized (`target-entity`) is one atom per permission, `<name>:<entity>:<p>`.
 *
 * So `target-entity:E:a,b` holds exactly what `target-entity:E:a target-entity:E:b` holds,
 * "within" means same entity and a subset of permissions, and covers / intersect / missing
 * are plain set operations on atoms. That is what makes the laws hold by construction
 * (the property tests check them anyway).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */

/** Which token names carry `:<entity>:<permissions>` parameters. */
export interface ScopeGrammar {
  readonly parameterized: ReadonlySet<string>;
}

/** A grammar in which every token is plain (the RFC 6749 default). */
export const PLAIN_GRAMMAR: ScopeGrammar = { parameterized: new Set() };

/** Builds a grammar from the names of parameterized templates, e.g. `['target-entity']`. */
export function grammar(parameterized: Iterable<string>): ScopeGrammar {
  return { parameterized: new Set(parameterized) };
}

/** A token split into its parts, or `undefined` for a plain token. */
export interface ParameterizedScope {
  name: string;
  entity: string;
  permissions: string[];
}

/**
 * Reads `<name>:<entity>:<p1>,<p2>` when `name` is declared parameterized. A malformed
 * one (no entity, an empty permission) is left plain, so the catalog rejects it as unknown.
 */
export function splitParameterized(token: string, g: ScopeGrammar): ParameterizedScope | undefined {
  if (g.parameterized.size === 0) return undefined;
  const first = token.indexOf(':');
  if (first <= 0) return undefined;
  const name = token.slice(0, first);
  if (!g.parameterized.has(name)) return undefined;
  const rest = token.slice(first + 1);
  const second = rest.indexOf(':');
  if (second <= 0) return undefined;
  const entity = rest.slice(0, second);
  const permissions = rest.slice(second + 1).split(',');
  if (permissions.some((p) => p.length === 0 || p.includes(':'))) return undefined;
  return { name, entity, permissions };
}

const KEY_SEP = '\u0000';

/** Atoms of a token list; an atom of a parameterized scope is `name\0entity\0permission`. */
function atoms(tokens: Iterable<string>, g: ScopeGrammar): Set<string> {
  const out = new Set<string>();
  for (const t of tokens) {
    const p = splitParameterized(t, g);
    if (!p) out.add(t);
    else for (const perm of p.permissions) out.add(`${p.name}${KEY_SEP}${p.entity}${KEY_SEP}${perm}`);
  }
  return out;
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Groups atoms back into canonical tokens: one per entity, permissions and tokens sorted. */
function tokensOf(set: Iterable<string>): string[] {
  const plain: string[] = [];
  const grouped = new Map<string, string[]>();
  for (const a of set) {
    const cut = a.lastIndexOf(KEY_SEP);
    if (cut < 0) {
      plain.push(a);
      continue;
    }
    const key = a.slice(0, cut).replace(KEY_SEP, ':');
    const list = grouped.get(key);
    if (list) list.push(a.slice(cut + 1));
    else grouped.set(key, [a.slice(cut + 1)]);
  }
  for (const [key, perms] of grouped) plain.push(`${key}:${perms.sort(byCodeUnit).join(',')}`);
  return plain.sort(byCodeUnit);
}

/**
 * The canonical form of a scope set: repeats dropped, parameterized scopes merged per
 * entity (`t:E:b t:E:a` becomes `t:E:a,b`), everything in code-unit order, so equal sets
 * always print the same. Idempotent.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function normalise(tokens: Iterable<string>, g: ScopeGrammar = PLAIN_GRAMMAR): string[] {
  return tokensOf(atoms(tokens, g));
}

/**
 * True when `held` grants everything `requested` asks for: every plain token held, and for
 * each parameterized one the same entity with a superset of its permissions. Reflexive
 * and transitive.
 */
export function covers(
  held: Iterable<string>,
  requested: Iterable<string>,
  g: ScopeGrammar = PLAIN_GRAMMAR,
): boolean {
  const h = atoms(held, g);
  for (const a of atoms(requested, g)) if (!h.has(a)) return false;
  return true;
}

/** What `requested` asks for beyond `held`, normalised (for error messages). */
export function missing(
  held: Iterable<string>,
  requested: Iterable<string>,
  g: ScopeGrammar = PLAIN_GRAMMAR,
): string[] {
  const h = atoms(held, g);
  return tokensOf([...atoms(requested, g)].filter((a) => !h.has(a)));
}

/**
 * What both sides hold, normalised. Covered by each side; never grants more than either.
 * Narrowing a request to what an app holds is `intersect(held, requested)`.
 */
export function intersect(
  a: Iterable<string>,
  b: Iterable<string>,
  g: ScopeGrammar = PLAIN_GRAMMAR,
): string[] {
  const left = atoms(a, g);
  return tokensOf([...atoms(b, g)].filter((x) => left.has(x)));
}

/** Both sides together, normalised. */
export function union(a: Iterable<string>, b: Iterable<string>, g: ScopeGrammar = PLAIN_GRAMMAR): string[] {
  return normalise([...a, ...b], g);
}

/** True when two scope lists grant exactly the same. */
export function equivalent(
  a: Iterable<string>,
  b: Iterable<string>,
  g: ScopeGrammar = PLAIN_GRAMMAR,
): boolean {
  const x = [...a];
  const y = [...b];
  return covers(x, y, g) && covers(y, x, g);
}
