import { concreteScopes, type FeatureFamily, type PlainScope, type ScopeCatalog } from '@gatehouse/scopes';

/**
 * The scope catalog: every scope an app may be created with, and how to describe it to a
 * person on the consent page. The model (plain scopes, feature families, parameterized
 * templates, `*`) lives in @gatehouse/scopes; this file holds Gatehouse's default catalog,
 * which speaks every dialect of the seed guides. GATEHOUSE_SCOPE_CATALOG replaces it.
 */
export type {
  FeatureFamily,
  FeaturePermission,
  PlainScope,
  ScopeCatalog,
  ScopeTemplate,
} from '@gatehouse/scopes';

/** The sixteen features of the Connecteam guide, in its order, each with read / write / delete. */
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
].map(([name, label]) => ({
  name: name as string,
  label: label as string,
  permissions: ['read', 'write', 'delete'],
}));

/** A UUID in any case: the entity ids of the Culture Amp guide. */
export const UUID_PATTERN = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

export const DEFAULT_SCOPE_CATALOG: ScopeCatalog = {
  plain: [
    // 7shifts: v1_access plus feature scopes named per resource.
    { name: 'v1_access', description: 'Use the API on behalf of the company' },
    { name: 'companies_read', description: 'Read the company object' },
    { name: 'companies_write', description: 'Change the company object' },
    { name: 'locations_read', description: 'Read locations and departments' },
    { name: 'locations_write', description: 'Change locations and departments' },
    { name: 'shifts_read', description: 'Read shifts and schedule publishing' },
    { name: 'shifts_write', description: 'Change shifts and publish schedules' },
    { name: 'time_punches_read', description: 'Read time punches' },
    { name: 'time_punches_write', description: 'Change time punches' },
    // PERSCOM: verb:noun.
    { name: 'view:user', description: 'View user profiles' },
    { name: 'create:user', description: 'Create users' },
    { name: 'update:user', description: 'Update user profiles' },
    { name: 'delete:user', description: 'Delete users' },
  ],
  // Connecteam: feature.read|write|delete.
  features: CONNECTEAM_FEATURES,
  // Culture Amp: target-entity:<entity id>:<comma separated permissions>.
  templates: [
    {
      name: 'target-entity',
      description: 'For entity',
      entityPattern: UUID_PATTERN,
      permissions: [
        { name: 'employees-read', description: 'read employees' },
        { name: 'employees-write', description: 'change employees' },
        { name: 'demographics-read', description: 'read demographics' },
        { name: 'performance-evaluations-read', description: 'read performance evaluations' },
        { name: 'performance-cycles-read', description: 'read performance cycles' },
        { name: 'surveys-read', description: 'read survey results' },
      ],
    },
  ],
  // Connect: `scope=*` asks for everything the app holds.
  wildcard: true,
};

/** Every concrete scope in the catalog with its description (templates excluded). */
export function catalogScopes(catalog: ScopeCatalog): PlainScope[] {
  return concreteScopes(catalog);
}
