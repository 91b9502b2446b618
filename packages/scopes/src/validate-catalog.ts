import { FEATURE_PERMISSIONS, type FeaturePermission, type ScopeCatalog, WILDCARD } from './catalog.ts';
import { isScopeToken } from './grammar.ts';

/** A catalog that cannot be used; `problems` lists each one with its JSON path. */
export class CatalogError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid scope catalog: ${problems.join('; ')}`);
    this.name = 'CatalogError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const NAME = /^[A-Za-z0-9_-]+$/;
const PERMISSION = /^[\x21\x23-\x2B\x2D-\x39\x3B-\x5B\x5D-\x7E]+$/; // a scope-token without ',' or ':'

/**
 * Checks a catalog read from JSON and returns it typed. Every problem is reported at once,
 * with its path (`features[2].permissions[0]`), so an operator fixes the file in one go.
 * Unknown keys are errors: a typo must not silently drop a scope.
 */
export function validateCatalog(raw: unknown): ScopeCatalog {
  const problems: string[] = [];
  // Returns [] so that a flatMap callback can report and skip in one statement.
  const say = (path: string, what: string): [] => {
    problems.push(`${path} ${what}`);
    return [];
  };
  if (!isObj(raw)) throw new CatalogError(['the catalog must be a JSON object']);
  for (const k of Object.keys(raw))
    if (!['plain', 'features', 'templates', 'wildcard', 'resources'].includes(k))
      say(k, 'is not a catalog field (plain, features, templates, wildcard, resources)');

  const list = (key: string): unknown[] => {
    const v = raw[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      say(key, 'must be an array');
      return [];
    }
    return v;
  };
  const text = (o: Obj, path: string, key: string): string => {
    const v = o[key];
    if (typeof v !== 'string' || v.trim() === '') {
      say(`${path}.${key}`, 'must be a non-empty string');
      return '';
    }
    return v;
  };
  const onlyKeys = (o: Obj, path: string, keys: string[]) => {
    for (const k of Object.keys(o))
      if (!keys.includes(k)) say(`${path}.${k}`, `is not a field (${keys.join(', ')})`);
  };

  const names = new Set<string>();
  const claim = (path: string, name: string) => {
    if (names.has(name)) say(path, `repeats the scope "${name}"`);
    names.add(name);
  };

  const plain = list('plain').flatMap((p, i) => {
    const path = `plain[${i}]`;
    if (!isObj(p)) return say(path, 'must be an object with name and description');
    onlyKeys(p, path, ['name', 'description']);
    const name = text(p, path, 'name');
    const description = text(p, path, 'description');
    if (name && (!isScopeToken(name) || name === WILDCARD))
      say(`${path}.name`, `"${name}" is not a valid scope token (RFC 6749 section 3.3)`);
    claim(`${path}.name`, name);
    return [{ name, description }];
  });

  const features = list('features').flatMap((f, i) => {
    const path = `features[${i}]`;
    if (!isObj(f)) return say(path, 'must be an object with name, label and permissions');
    onlyKeys(f, path, ['name', 'label', 'permissions']);
    const name = text(f, path, 'name');
    const label = text(f, path, 'label');
    if (name && !NAME.test(name)) say(`${path}.name`, 'may hold only letters, digits, "_" and "-"');
    const perms = f.permissions ?? FEATURE_PERMISSIONS;
    if (!Array.isArray(perms) || perms.length === 0 || perms.some((p) => !FEATURE_PERMISSIONS.includes(p)))
      say(`${path}.permissions`, 'must be a non-empty list of read, write, delete');
    const permissions = [...new Set(Array.isArray(perms) ? perms : [])] as FeaturePermission[];
    for (const p of permissions) claim(path, `${name}.${p}`);
    return [{ name, label, permissions }];
  });

  const templates = list('templates').flatMap((t, i) => {
    const path = `templates[${i}]`;
    if (!isObj(t)) return say(path, 'must be an object with name, description, entityPattern, permissions');
    onlyKeys(t, path, ['name', 'description', 'entityPattern', 'permissions']);
    const name = text(t, path, 'name');
    const description = text(t, path, 'description');
    const entityPattern = text(t, path, 'entityPattern');
    if (name && !NAME.test(name)) say(`${path}.name`, 'may hold only letters, digits, "_" and "-"');
    if (entityPattern) {
      try {
        new RegExp(entityPattern);
      } catch {
        say(`${path}.entityPattern`, 'is not a valid regular expression');
      }
    }
    const perms = Array.isArray(t.permissions) ? t.permissions : [];
    if (perms.length === 0) say(`${path}.permissions`, 'must be a non-empty array');
    const seen = new Set<string>();
    const permissions = perms.flatMap((p, j) => {
      const pp = `${path}.permissions[${j}]`;
      if (!isObj(p)) return say(pp, 'must be an object with name and description');
      onlyKeys(p, pp, ['name', 'description']);
      const pn = text(p, pp, 'name');
      if (pn && !PERMISSION.test(pn)) say(`${pp}.name`, 'may not contain spaces, ",", ":", \'"\' or "\\"');
      if (seen.has(pn)) say(`${pp}.name`, `repeats "${pn}"`);
      seen.add(pn);
      return [{ name: pn, description: text(p, pp, 'description') }];
    });
    return [{ name, description, entityPattern, permissions }];
  });

  const templateNames = new Set(templates.map((t) => t.name));
  if (templateNames.size !== templates.length) say('templates', 'repeat a template name');
  for (const [i, p] of plain.entries())
    if (templateNames.has(p.name.split(':')[0] ?? '') && p.name.split(':').length === 3)
      say(`plain[${i}].name`, 'reads as an instance of a template; list it under templates instead');

  const uris = new Set<string>();
  const resources = list('resources').flatMap((r, i) => {
    const path = `resources[${i}]`;
    if (!isObj(r)) return say(path, 'must be an object with uri, name and scopes');
    onlyKeys(r, path, ['uri', 'name', 'scopes']);
    const uri = text(r, path, 'uri');
    const name = text(r, path, 'name');
    // RFC 8707 2: an absolute URI without a fragment.
    if (uri && (!URL.canParse(uri) || uri.includes('#')))
      say(`${path}.uri`, 'must be an absolute URI without a fragment');
    if (uris.has(uri)) say(`${path}.uri`, `repeats "${uri}"`);
    uris.add(uri);
    const scopes = Array.isArray(r.scopes) ? r.scopes : [];
    if (scopes.length === 0) say(`${path}.scopes`, 'must be a non-empty array of scope or template names');
    for (const [j, s] of scopes.entries())
      if (typeof s !== 'string' || !(names.has(s) || templateNames.has(s)))
        say(`${path}.scopes[${j}]`, 'names no scope or template of this catalog');
    return [{ uri, name, scopes: scopes.filter((s): s is string => typeof s === 'string') }];
  });

  const wildcard = raw.wildcard ?? false;
  if (typeof wildcard !== 'boolean') say('wildcard', 'must be true or false');
  if (problems.length > 0) throw new CatalogError(problems);
  return {
    plain,
    features,
    templates,
    wildcard: wildcard === true,
    ...(resources.length > 0 ? { resources } : {}),
  };
}
