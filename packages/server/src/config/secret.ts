import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomToken } from '../util/random.ts';

/** Reads the server secret from the environment, or from (creating) dataDir/server-secret. */
export function resolveServerSecret(env: NodeJS.ProcessEnv, dataDir: string) {
  const fromEnv = env.GATEHOUSE_SECRET;
  if (fromEnv) {
    if (fromEnv.length < 32) throw new Error('GATEHOUSE_SECRET must be at least 32 characters');
    return { secret: fromEnv, generated: false };
  }
  const file = join(dataDir, 'server-secret');
  if (existsSync(file)) return { secret: readFileSync(file, 'utf8').trim(), generated: true };
  mkdirSync(dataDir, { recursive: true });
  const secret = randomToken(32);
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return { secret, generated: true };
}
