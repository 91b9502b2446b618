/**
 * The scope catalog: every scope an app may be created with, and how to describe it to a
 * person on the consent page. Plain scopes stand alone (`v1_access`, `view:user`); feature
 * families expand to `<feature>.read|write|delete` as in the Connecteam guide.
 */
export type FeaturePermission = 'read' | 'write' | 'delete';

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

export interface ScopeCatalog {
  plain: PlainScope[];
  features: FeatureFamily[];
}

const ALL: FeaturePermission[] = ['read', 'write', 'delete'];

/** The sixteen features of the Connecteam guide, in its order. */
export const CONNECTEAM_FEATURES: FeatureFamily[] = [
  ['account_information', 'Account Information'],
  ['company_policies', 'Company Policies'],
  ['users', 'Users'],
  ['assets', 'Assets'],
  ['sales_data', 'Sales Data'],
  ['attachments', 'Attachments'],
  ['quick_tasks', 'Quick Tasks'],
  ['publishers', 'Publishers'],
  ['chat', 'Chat'],
  ['jobs', 'Jobs (Resources)'],
  ['schedule', 'Schedule'],
  ['daily_note', 'Daily Note'],
  ['time_clock', 'Time Clock'],
  ['time_off', 'Time Off'],
  ['forms', 'Forms'],
  ['settings', 'Settings'],
].map(([name, label]) => ({ name: name as string, label: label as string, permissions: ALL }));

export const DEFAULT_SCOPE_CATALOG: ScopeCatalog = {
  plain: [
    { name: 'v1_access', description: 'Use the API on behalf of the company' },
    { name: 'view:user', description: 'View user profiles' },
    { name: 'create:user', description: 'Create users' },
    { name: 'update:user', description: 'Update user profiles' },
    { name: 'delete:user', description: 'Delete users' },
  ],
  features: CONNECTEAM_FEATURES,
};

const VERB: Record<FeaturePermission, string> = {
  read: 'Read',
  write: 'Create and update',
  delete: 'Delete',
};

/** Every concrete scope in the catalog with its description. */
export function catalogScopes(catalog: ScopeCatalog): PlainScope[] {
  const out: PlainScope[] = [...catalog.plain];
  for (const f of catalog.features) {
    for (const p of f.permissions)
      out.push({ name: `${f.name}.${p}`, description: `${VERB[p]} ${f.label.toLowerCase()}` });
  }
  return out;
}
