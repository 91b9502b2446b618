import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storageConformance } from './conformance.ts';

storageConformance({
  dialect: 'sqlite',
  async createDatabase() {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-storage-'));
    return {
      url: `sqlite:${join(dir, 'gatehouse.db')}`,
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
});
