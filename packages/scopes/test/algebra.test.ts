import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  covers,
  format,
  grammar,
  intersect,
  missing,
  normalise,
  PLAIN_GRAMMAR,
  parse,
  ScopeSyntaxError,
} from '../src/index.ts';

const g = grammar(['target-entity']);
const E = '8ed17dce-9eca-4383-a9e1-54f82c362b6d';

test('parse splits on spaces, keeps order and rejects characters RFC 6749 forbids', () => {
  assert.deepEqual(parse('  users.read   users.write users.read '), [
    'users.read',
    'users.write',
    'users.read',
  ]);
  assert.deepEqual(parse(''), []);
  assert.throws(() => parse('users.read "x"'), ScopeSyntaxError);
  assert.throws(() => parse('a\\b'), ScopeSyntaxError);
  assert.throws(() => parse('caf\u00e9'), ScopeSyntaxError);
  assert.throws(() => parse('a\tb'), ScopeSyntaxError);
  assert.equal(format(['a', 'b']), 'a b');
});

test('normalise dedupes, sorts, and merges permissions per entity', () => {
  assert.deepEqual(normalise(['users.write', 'users.read', 'users.write']), ['users.read', 'users.write']);
  assert.deepEqual(
    normalise([`target-entity:${E}:performance-evaluations-read`, `target-entity:${E}:employees-read`], g),
    [`target-entity:${E}:employees-read,performance-evaluations-read`],
  );
  assert.deepEqual(normalise(['target-entity:x:b,a,b', 'target-entity:y:a'], g), [
    'target-entity:x:a,b',
    'target-entity:y:a',
  ]);
  // Without the grammar the same tokens are opaque and stay as they are.
  assert.deepEqual(normalise(['target-entity:x:b,a'], PLAIN_GRAMMAR), ['target-entity:x:b,a']);
  // Malformed parameterized tokens stay plain (the catalog calls them unknown).
  assert.deepEqual(normalise(['target-entity:x:a,,b', 'target-entity::a'], g), [
    'target-entity::a',
    'target-entity:x:a,,b',
  ]);
});

test('covers: plain by equality, parameterized by same entity and subset of permissions', () => {
  assert.ok(covers(['users.read', 'users.write'], ['users.read']));
  assert.ok(!covers(['users.read'], ['users.write']));
  assert.ok(covers([`target-entity:${E}:a,b,c`], [`target-entity:${E}:c,a`], g));
  assert.ok(!covers([`target-entity:${E}:a,b`], [`target-entity:${E}:a,d`], g));
  assert.ok(!covers([`target-entity:${E}:a,b`], ['target-entity:other:a'], g));
  assert.ok(covers(['view:user'], []));
});

test('intersect and missing', () => {
  assert.deepEqual(
    intersect([`target-entity:${E}:a,b`, 'users.read'], [`target-entity:${E}:b,c`, 'users.write'], g),
    [`target-entity:${E}:b`],
  );
  assert.deepEqual(missing([`target-entity:${E}:a,b`], [`target-entity:${E}:b,c,d`, 'x'], g), [
    `target-entity:${E}:c,d`,
    'x',
  ]);
});
