import { readFileSync } from 'node:fs';
import { CatalogError, type ScopeCatalog, validateCatalog } from '@gatehouse/scopes';

/**
 * Reads a scope catalog from a JSON file (GATEHOUSE_SCOPE_CATALOG) and validates it, with
 * an error that names the file and every problem in it: a server must not start with a
 * catalog it half understands.
 */
export function loadScopeCatalogFile(path: string): ScopeCatalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `GATEHOUSE_SCOPE_CATALOG: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`GATEHOUSE_SCOPE_CATALOG: ${path} is not valid JSON: ${(err as Error).message}`);
  }
  try {
    return validateCatalog(raw);
  } catch (err) {
    if (err instanceof CatalogError)
      throw new Error(
        `GATEHOUSE_SCOPE_CATALOG: ${path} is not a valid scope catalog: ${err.problems.join('; ')}`,
      );
    throw err;
  }
}
