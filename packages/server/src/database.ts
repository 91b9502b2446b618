import type { DatabaseTimeouts } from './storage/sql/connect.ts';
import { openStorage } from './storage/sql/storage.ts';

/**
 * Opens the database at `url`, applies pending migrations and closes it again: what
 * `gatehouse migrate` does, without the server secret or the signing keys the server needs.
 * Returns the dialect it found.
 */
export async function migrateDatabase(
  url: string,
  opts: { poolSize: number; timeouts: DatabaseTimeouts; preparedStatements?: boolean },
): Promise<'sqlite' | 'postgres'> {
  const storage = openStorage(url, opts);
  try {
    await storage.migrate();
  } finally {
    await storage.close();
  }
  return storage.dialect;
}
