import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Runs a command line (as a guide or the start banner prints it) through /bin/sh with the
 * real curl binary. `-s` is not added: the commands run exactly as written.
 */
export async function sh(command: string): Promise<string> {
  try {
    const { stdout } = await run('/bin/sh', ['-c', command], { timeout: 30_000 });
    return stdout;
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`${e.message}\nstdout: ${e.stdout ?? ''}\nstderr: ${e.stderr ?? ''}`);
  }
}
