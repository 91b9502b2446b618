// The benchmark's report (bench/lib/report.ts): Gatehouse on PostgreSQL (the gatehouse-pg
// target) is judged against node-oidc-provider's rows of the same scenario, beside the SQLite
// checks, and a run that measured both databases says so. Figures are made up; no timing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checks, databases, table } from '../bench/lib/report.ts';
import type { Measurement, TargetName } from '../bench/lib/types.ts';

const row = (scenario: string, target: TargetName, reqPerSec: number): Measurement => ({
  scenario,
  target,
  reqPerSec,
  p50Ms: 1,
  p99Ms: 2,
  errors: 0,
  total: reqPerSec,
  seconds: 1,
  rssMb: 100,
  peakRssMb: 100,
});

const PG_SCENARIOS = [
  'client_credentials_jwt',
  'client_credentials_opaque',
  'authorization_code',
  'refresh_token',
  'introspection',
];

describe('gatehouse-pg in the report', () => {
  const ms = PG_SCENARIOS.flatMap((s, i) => [
    row(s, 'gatehouse', 3000),
    // Ahead of the peer on the first three scenarios, behind on the last two.
    row(s, 'gatehouse-pg', i < 3 ? 1500 : 500),
    row(s, 'oidc-provider', 1000),
  ]);

  test('one check per PostgreSQL scenario, over node-oidc-provider in the same scenario', () => {
    const pg = checks(ms).filter((c) => c.target.includes('on PostgreSQL'));
    assert.deepEqual(
      pg.map((c) => [c.target, c.value, c.status]),
      [
        ['client_credentials JWT on PostgreSQL ahead of node-oidc-provider', '1.50x', 'pass'],
        ['client_credentials opaque on PostgreSQL ahead of node-oidc-provider', '1.50x', 'pass'],
        ['authorization_code on PostgreSQL ahead of node-oidc-provider', '1.50x', 'pass'],
        ['refresh_token on PostgreSQL ahead of node-oidc-provider', '0.50x', 'FAIL'],
        ['introspection on PostgreSQL ahead of node-oidc-provider', '0.50x', 'FAIL'],
      ],
    );
  });

  test('the SQLite checks still read the gatehouse rows', () => {
    const refresh = checks(ms).find((c) => c.target === 'refresh_token ahead of node-oidc-provider');
    assert.equal(refresh?.value, '3.00x');
  });

  test('without gatehouse-pg rows the PostgreSQL checks are not measured, not failed', () => {
    const pg = checks(ms.filter((m) => m.target !== 'gatehouse-pg')).filter((c) =>
      c.target.includes('on PostgreSQL'),
    );
    assert.equal(pg.length, 5);
    assert.ok(pg.every((c) => c.status === 'n/a'));
  });

  test('a gatehouse-pg row carries its ratio to node-oidc-provider in GH/peer', () => {
    const line = table(ms)
      .split('\n')
      .find((l) => l.startsWith('| refresh_token') && l.includes('gatehouse-pg'));
    assert.match(line ?? '', /\| 0\.50x +\|/);
  });

  test('the databases a run measured', () => {
    assert.equal(databases({ db: 'sqlite' }, ms), 'sqlite+postgres');
    assert.equal(
      databases(
        { db: 'sqlite' },
        ms.filter((m) => m.target !== 'gatehouse-pg'),
      ),
      'sqlite',
    );
    assert.equal(databases({ db: 'postgres' }, []), 'postgres');
  });
});
