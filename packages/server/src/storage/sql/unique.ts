import { DuplicateKey } from '../common.ts';

/**
 * The DuplicateKey a unique violation on an e-mail address or an external id stands for, or
 * undefined for any other error. SQLite names the column in its message
 * (`UNIQUE constraint failed: users.external_id`); PostgreSQL names the index (23505).
 */
export function duplicateKeyOf(err: unknown): DuplicateKey | undefined {
  const e = err as { code?: unknown; message?: unknown; constraint?: unknown };
  const unique = e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE';
  if (!unique) return undefined;
  const where = `${String(e.constraint ?? '')} ${String(e.message ?? '')}`;
  if (where.includes('external_id')) return new DuplicateKey('external_id');
  if (where.includes('email')) return new DuplicateKey('email');
  return undefined;
}

/** Runs a write, turning a duplicate e-mail address or external id into DuplicateKey. */
export async function unique<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    throw duplicateKeyOf(err) ?? err;
  }
}
