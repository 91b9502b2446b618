/**
 * What a migration is told about the database it runs on. In a module of its own so that the
 * migrations and the list of them (index.ts) do not import each other.
 */
export interface MigrationContext {
  dialect: 'sqlite' | 'postgres';
}
