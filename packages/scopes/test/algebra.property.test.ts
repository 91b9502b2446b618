import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { covers, grammar, intersect, missing, normalise, union } from '../src/index.ts';

/**
 * The laws of the scope algebra, over a mix of every dialect: Connecteam feature scopes,
 * PERSCOM `verb:noun`, plain tokens and Culture Amp parameterized scopes with overlapping
 * entities and permissions (small alphabets so that overlaps actually happen).
 */
const RUNS = { numRuns: 1000 };
const g = grammar(['target-entity']);

const plainToken = fc.constantFrom(
  'users.read',
  'users.write',
  'users.delete',
  'schedule.read',
  'time_clock.write',
  'v1_access',
  'view:user',
  'update:user',
  'target-entity', // a template name alone is a plain (unknown) token, not a parameterized one
  'target-entity:e1', // so is one without permissions
);
const entity = fc.constantFrom('e1', 'e2', '8ed17dce-9eca-4383-a9e1-54f82c362b6d');
const perms = fc.uniqueArray(fc.constantFrom('a', 'b', 'employees-read', 'performance-evaluations-read'), {
  minLength: 1,
  maxLength: 4,
});
const paramToken = fc.tuple(entity, perms).map(([e, p]) => `target-entity:${e}:${p.join(',')}`);
const token = fc.oneof(plainToken, paramToken);
const scopes = fc.array(token, { maxLength: 8 });

test('normalisation is idempotent and order-insensitive', () => {
  fc.assert(
    fc.property(scopes, (s) => {
      const n = normalise(s, g);
      assert.deepEqual(normalise(n, g), n);
      assert.deepEqual(normalise([...s].reverse(), g), n);
    }),
    RUNS,
  );
});

test('normalisation keeps the meaning: the normal form and the input cover each other', () => {
  fc.assert(
    fc.property(scopes, (s) => {
      const n = normalise(s, g);
      assert.ok(covers(n, s, g) && covers(s, n, g));
      assert.equal(new Set(n).size, n.length);
    }),
    RUNS,
  );
});

test('covers is reflexive', () => {
  fc.assert(
    fc.property(scopes, (s) => assert.ok(covers(s, s, g))),
    RUNS,
  );
});

test('covers is transitive', () => {
  // Build chains that do hold (c within b within a) as well as random triples.
  const chain = scopes.chain((a) =>
    fc
      .tuple(fc.constant(a), fc.subarray(normalise(a, g)))
      .chain(([a2, b]) => fc.tuple(fc.constant(a2), fc.constant(b), fc.subarray(b))),
  );
  fc.assert(
    fc.property(fc.oneof(chain, fc.tuple(scopes, scopes, scopes)), ([a, b, c]) => {
      if (covers(a, b, g) && covers(b, c, g)) assert.ok(covers(a, c, g));
    }),
    RUNS,
  );
});

test('intersection is covered by both sides and never grants more than either', () => {
  fc.assert(
    fc.property(scopes, scopes, (a, b) => {
      const i = intersect(a, b, g);
      assert.ok(covers(a, i, g), 'a covers a ∩ b');
      assert.ok(covers(b, i, g), 'b covers a ∩ b');
      assert.deepEqual(i, intersect(b, a, g), 'commutative');
      assert.deepEqual(intersect(i, i, g), i, 'idempotent');
    }),
    RUNS,
  );
});

test('intersection is the greatest lower bound: whatever both sides cover, it covers', () => {
  fc.assert(
    fc.property(scopes, scopes, scopes, (a, b, c) => {
      if (covers(a, c, g) && covers(b, c, g)) assert.ok(covers(intersect(a, b, g), c, g));
    }),
    RUNS,
  );
});

test('narrowing a request to what is held never widens it', () => {
  fc.assert(
    fc.property(scopes, scopes, (held, requested) => {
      const narrowed = intersect(held, requested, g);
      assert.ok(covers(requested, narrowed, g), 'within the request');
      assert.ok(covers(held, narrowed, g), 'within what is held');
      if (covers(held, requested, g)) assert.deepEqual(narrowed, normalise(requested, g), 'nothing lost');
    }),
    RUNS,
  );
});

test('missing is empty exactly when covered, and held plus missing covers the request', () => {
  fc.assert(
    fc.property(scopes, scopes, (held, requested) => {
      const m = missing(held, requested, g);
      assert.equal(m.length === 0, covers(held, requested, g));
      assert.ok(covers(union(held, m, g), requested, g));
      assert.deepEqual(intersect(held, m, g), []);
    }),
    RUNS,
  );
});
