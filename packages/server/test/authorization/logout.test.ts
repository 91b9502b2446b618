import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RpInitiatedLogout } from '../../src/authorization/logout.ts';
import type { ActiveSession } from '../../src/authorization/session-service.ts';
import type { App } from '../../src/storage/types.ts';
import type { IdTokenHint } from '../../src/tokens/id-token-hint.ts';

const OUT = 'https://partner.example/out';
const APPS = new Map<string, App>([
  ['cl_a', { clientId: 'cl_a', name: 'A', postLogoutRedirectUris: [OUT] } as App],
  ['cl_b', { clientId: 'cl_b', name: 'B', postLogoutRedirectUris: [] as string[] } as App],
]);
const HINTS = new Map<string, IdTokenHint>([
  ['good-ada', { sub: 'usr_ada', clientId: 'cl_a', sid: 's1' }],
  ['good-bob', { sub: 'usr_bob', clientId: 'cl_a', sid: 's2' }],
]);

/** The flow module without a server: apps, hints and sessions are plain objects. */
function setup() {
  const ended: string[] = [];
  const logout = new RpInitiatedLogout({
    apps: { findByClientId: async (id) => APPS.get(id) },
    hints: { read: async (token) => HINTS.get(token) },
    sessions: {
      signOut: async (active) => {
        ended.push(active.session.idHash);
      },
    },
  });
  return { logout, ended };
}

const session = (userId: string | null) =>
  ({
    token: 't',
    session: { idHash: 'h', userId, authTime: null, createdAt: new Date(), expiresAt: new Date(), sid: 's1' },
  }) as ActiveSession;

describe('RpInitiatedLogout (the end-session flow as a domain module)', () => {
  it('a valid hint for the signed-in user: signed out, back with state', async () => {
    const { logout, ended } = setup();
    const step = await logout.start(session('usr_ada'), {
      idTokenHint: 'good-ada',
      postLogoutRedirectUri: OUT,
      state: 'x y',
    });
    assert.deepEqual(step, { kind: 'redirect', location: `${OUT}?state=x+y` });
    assert.deepEqual(ended, ['h']);
  });

  it('a hint for someone else, no hint, or a client_id that contradicts the hint: confirm, nothing ended', async () => {
    const { logout, ended } = setup();
    const other = await logout.start(session('usr_ada'), {
      idTokenHint: 'good-bob',
      postLogoutRedirectUri: OUT,
    });
    assert.deepEqual(other, {
      kind: 'confirm',
      appName: 'A',
      carry: { clientId: 'cl_a', postLogoutRedirectUri: OUT, state: null },
    });
    const none = await logout.start(session('usr_ada'), { clientId: 'cl_a', postLogoutRedirectUri: OUT });
    assert.equal(none.kind, 'confirm');
    const contradicting = await logout.start(session('usr_ada'), {
      idTokenHint: 'good-ada',
      clientId: 'cl_b',
      postLogoutRedirectUri: OUT,
    });
    assert.deepEqual(contradicting, {
      kind: 'confirm',
      appName: null,
      carry: { clientId: null, postLogoutRedirectUri: null, state: null },
    });
    assert.deepEqual(ended, []);
  });

  it('a forged hint drops the redirect; an unregistered URI is never used', async () => {
    const { logout } = setup();
    const forged = await logout.start(session('usr_ada'), {
      idTokenHint: 'forged',
      clientId: 'cl_a',
      postLogoutRedirectUri: OUT,
    });
    assert.deepEqual(forged, {
      kind: 'confirm',
      appName: 'A',
      carry: { clientId: 'cl_a', postLogoutRedirectUri: null, state: null },
    });
    const unregistered = await logout.start(session('usr_ada'), {
      idTokenHint: 'good-ada',
      postLogoutRedirectUri: 'https://evil.example/',
    });
    assert.deepEqual(unregistered, { kind: 'signed-out' });
    // Nobody signed in and no valid hint: no redirect either.
    assert.deepEqual(await logout.start(undefined, { clientId: 'cl_a', postLogoutRedirectUri: OUT }), {
      kind: 'signed-out',
    });
  });

  it('confirm: signs out, then back only to a URI the named app registered', async () => {
    const { logout, ended } = setup();
    assert.deepEqual(
      await logout.confirm(session('usr_ada'), { clientId: 'cl_a', postLogoutRedirectUri: OUT }),
      {
        kind: 'redirect',
        location: OUT,
      },
    );
    assert.deepEqual(
      await logout.confirm(session('usr_ada'), { clientId: 'cl_b', postLogoutRedirectUri: OUT }),
      {
        kind: 'signed-out',
      },
    );
    assert.equal(ended.length, 2);
  });
});
