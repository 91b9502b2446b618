import assert from 'node:assert/strict';
import { ResourceServerError } from '../src/index.ts';

/** The code of the ResourceServerError `promise` rejects with; fails the test on anything else. */
export async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ResourceServerError, String(err));
    return err.code;
  }
  assert.fail('expected the token to be refused');
}
