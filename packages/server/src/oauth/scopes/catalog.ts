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

/** A description in English and German, as a catalog file's `{"en": ..., "de": ...}` becomes. */
const say = (en: string, de: string) => ({ description: en, descriptions: { en, de } });

/** The sixteen features of the Connecteam guide, in its order, each with read / write / delete. */
export const CONNECTEAM_FEATURES: FeatureFamily[] = [
  ['account_information', 'Account Information', 'Kontoinformationen'],
  ['company_policies', 'Company Policies', 'Unternehmensrichtlinien'],
  ['users', 'Users', 'Benutzer'],
  ['assets', 'Assets', 'Betriebsmittel'],
  ['sales_data', 'Sales Data', 'Verkaufsdaten'],
  ['attachments', 'Attachments', 'Anhänge'],
  ['quick_tasks', 'Quick Tasks', 'Schnellaufgaben'],
  ['publishers', 'Publishers', 'Veröffentlicher'],
  ['chat', 'Chat', 'Chat'],
  ['jobs', 'Jobs (Resources)', 'Aufträge (Ressourcen)'],
  ['schedule', 'Schedule', 'Dienstplan'],
  ['daily_note', 'Daily Note', 'Tagesnotiz'],
  ['time_clock', 'Time Clock', 'Zeiterfassung'],
  ['time_off', 'Time Off', 'Abwesenheiten'],
  ['forms', 'Forms', 'Formulare'],
  ['settings', 'Settings', 'Einstellungen'],
].map(([name, label, de]) => ({
  name: name as string,
  label: label as string,
  labels: { en: label as string, de: de as string },
  permissions: ['read', 'write', 'delete'],
}));

/** A UUID in any case: the entity ids of the Culture Amp guide. */
export const UUID_PATTERN = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

export const DEFAULT_SCOPE_CATALOG: ScopeCatalog = {
  plain: [
    // 7shifts: v1_access plus feature scopes named per resource.
    {
      name: 'v1_access',
      ...say('Use the API on behalf of the company', 'Die API im Namen des Unternehmens nutzen'),
    },
    { name: 'companies_read', ...say('Read the company object', 'Das Unternehmensobjekt lesen') },
    { name: 'companies_write', ...say('Change the company object', 'Das Unternehmensobjekt ändern') },
    { name: 'locations_read', ...say('Read locations and departments', 'Standorte und Abteilungen lesen') },
    {
      name: 'locations_write',
      ...say('Change locations and departments', 'Standorte und Abteilungen ändern'),
    },
    {
      name: 'shifts_read',
      ...say('Read shifts and schedule publishing', 'Schichten und Dienstplan-Veröffentlichungen lesen'),
    },
    {
      name: 'shifts_write',
      ...say('Change shifts and publish schedules', 'Schichten ändern und Dienstpläne veröffentlichen'),
    },
    { name: 'time_punches_read', ...say('Read time punches', 'Stempelzeiten lesen') },
    { name: 'time_punches_write', ...say('Change time punches', 'Stempelzeiten ändern') },
    // PERSCOM: verb:noun.
    { name: 'view:user', ...say('View user profiles', 'Benutzerprofile ansehen') },
    { name: 'create:user', ...say('Create users', 'Benutzer anlegen') },
    { name: 'update:user', ...say('Update user profiles', 'Benutzerprofile aktualisieren') },
    { name: 'delete:user', ...say('Delete users', 'Benutzer löschen') },
  ],
  // Connecteam: feature.read|write|delete.
  features: CONNECTEAM_FEATURES,
  // Culture Amp: target-entity:<entity id>:<comma separated permissions>.
  templates: [
    {
      name: 'target-entity',
      ...say('For entity', 'Für Einheit'),
      entityPattern: UUID_PATTERN,
      permissions: [
        { name: 'employees-read', ...say('read employees', 'Mitarbeitende lesen') },
        { name: 'employees-write', ...say('change employees', 'Mitarbeitende ändern') },
        { name: 'demographics-read', ...say('read demographics', 'demografische Daten lesen') },
        {
          name: 'performance-evaluations-read',
          ...say('read performance evaluations', 'Leistungsbeurteilungen lesen'),
        },
        { name: 'performance-cycles-read', ...say('read performance cycles', 'Beurteilungszyklen lesen') },
        { name: 'surveys-read', ...say('read survey results', 'Umfrageergebnisse lesen') },
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
