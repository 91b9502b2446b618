import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config/index.ts';
import {
  DEFAULT_KEY_ROTATION,
  parseKeyRotation,
  RETIRED_KEY_PUBLISH_MS,
  rotationSteps,
} from '../src/keys/schedule.ts';
import type { SigningKey } from '../src/storage/types.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const POLICY = { intervalMs: 30 * DAY, prepublishMs: 24 * HOUR };

type State = Pick<SigningKey, 'kid' | 'alg' | 'status' | 'createdAt' | 'activatesAt' | 'retiredAt'>;
const k = (kid: string, status: SigningKey['status'], at: number, retiredAt?: number): State => ({
  kid,
  alg: 'ES256',
  status,
  createdAt: new Date(at),
  activatesAt: new Date(at),
  retiredAt: retiredAt === undefined ? null : new Date(retiredAt),
});

describe('key schedule: when to create, switch and remove', () => {
  it('pre-publishes the next key once the active one has the pre-publication period left', () => {
    const keys = [k('a', 'active', T0)];
    const due = T0 + 29 * DAY;
    assert.deepEqual(rotationSteps(keys, due - 1, POLICY), []);
    assert.deepEqual(rotationSteps(keys, due, POLICY), [
      { step: 'prepublish', alg: 'ES256', activatesAt: new Date(T0 + 30 * DAY) },
    ]);
  });

  it('gives a late pre-publication its full period (a node that was down does not cut it short)', () => {
    const late = T0 + 40 * DAY;
    assert.deepEqual(rotationSteps([k('a', 'active', T0)], late, POLICY), [
      { step: 'prepublish', alg: 'ES256', activatesAt: new Date(late + 24 * HOUR) },
    ]);
  });

  it('counts the period from when the key began to sign, per algorithm', () => {
    const keys = [
      k('a', 'active', T0 + 10 * DAY),
      { ...k('r', 'active', T0), alg: 'RS256' as const, activatesAt: null },
    ];
    assert.deepEqual(
      rotationSteps(keys, T0 + 29 * DAY, POLICY).map((s) => [s.step, s.alg]),
      [['prepublish', 'RS256']],
    );
  });

  it('switches to the pending key at its time, and creates no other meanwhile', () => {
    const keys = [
      k('a', 'active', T0),
      { ...k('n', 'next', T0 + 29 * DAY), activatesAt: new Date(T0 + 30 * DAY) },
    ];
    assert.deepEqual(rotationSteps(keys, T0 + 30 * DAY - 1, POLICY), []);
    assert.deepEqual(rotationSteps(keys, T0 + 30 * DAY, POLICY), [
      { step: 'activate', alg: 'ES256', kid: 'n' },
    ]);
  });

  it('removes a retired key only once the longest token lifetime plus skew has passed', () => {
    const retiredAt = T0 + 30 * DAY;
    const keys = [k('old', 'retired', T0, retiredAt), k('n', 'active', retiredAt)];
    assert.equal(RETIRED_KEY_PUBLISH_MS, 86_400_000 + 300_000);
    assert.deepEqual(rotationSteps(keys, retiredAt + RETIRED_KEY_PUBLISH_MS - 1, POLICY), []);
    const at = retiredAt + RETIRED_KEY_PUBLISH_MS;
    assert.deepEqual(rotationSteps(keys, at, POLICY), [
      { step: 'remove', alg: 'ES256', kid: 'old', retiredBy: new Date(retiredAt) },
    ]);
  });

  it('with the schedule off, still switches pending keys and removes retired ones, but creates none', () => {
    const off = { ...POLICY, intervalMs: 0 };
    const now = T0 + 400 * DAY;
    assert.deepEqual(rotationSteps([k('a', 'active', T0)], now, off), []);
    const keys = [
      k('old', 'retired', T0, T0 + DAY),
      k('a', 'active', T0 + DAY),
      k('n', 'next', T0 + 2 * DAY),
    ];
    assert.deepEqual(
      rotationSteps(keys, now, off).map((s) => [s.step, 'kid' in s ? s.kid : '']),
      [
        ['remove', 'old'],
        ['activate', 'n'],
      ],
    );
  });
});

describe('key rotation settings', () => {
  it('defaults to 30 days with 24 hours of pre-publication', () => {
    assert.deepEqual(parseKeyRotation({}), DEFAULT_KEY_ROTATION);
    assert.deepEqual(DEFAULT_KEY_ROTATION, POLICY);
    assert.deepEqual(loadConfig({ env: { GATEHOUSE_SECRET: 'x'.repeat(32) } }).keyRotation, POLICY);
  });

  it('reads both variables; 0 days turns the schedule off', () => {
    assert.deepEqual(
      parseKeyRotation({ GATEHOUSE_KEY_ROTATION_DAYS: '7', GATEHOUSE_KEY_PREPUBLISH_HOURS: '48' }),
      { intervalMs: 7 * DAY, prepublishMs: 48 * HOUR },
    );
    assert.deepEqual(parseKeyRotation({ GATEHOUSE_KEY_ROTATION_DAYS: '0' }), {
      intervalMs: 0,
      prepublishMs: 24 * HOUR,
    });
  });

  it('refuses invalid values with a message naming the variable', () => {
    for (const [env, message] of [
      [
        { GATEHOUSE_KEY_ROTATION_DAYS: 'monthly' },
        /GATEHOUSE_KEY_ROTATION_DAYS must be whole days from 0 \(off\)/,
      ],
      [{ GATEHOUSE_KEY_ROTATION_DAYS: '-1' }, /GATEHOUSE_KEY_ROTATION_DAYS must be/],
      [{ GATEHOUSE_KEY_ROTATION_DAYS: '1.5' }, /GATEHOUSE_KEY_ROTATION_DAYS must be/],
      [{ GATEHOUSE_KEY_PREPUBLISH_HOURS: '0' }, /GATEHOUSE_KEY_PREPUBLISH_HOURS must be whole hours from 1/],
      [{ GATEHOUSE_KEY_PREPUBLISH_HOURS: '2h' }, /GATEHOUSE_KEY_PREPUBLISH_HOURS must be/],
      [
        { GATEHOUSE_KEY_ROTATION_DAYS: '1', GATEHOUSE_KEY_PREPUBLISH_HOURS: '24' },
        /GATEHOUSE_KEY_PREPUBLISH_HOURS \(24\) must be shorter than the rotation period/,
      ],
    ] as const) {
      assert.throws(() => parseKeyRotation(env), message);
      assert.throws(() => loadConfig({ env: { GATEHOUSE_SECRET: 'x'.repeat(32), ...env } }), message);
    }
  });
});
