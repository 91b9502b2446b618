import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SCOPE_CATALOG } from '../src/oauth/scopes/catalog.ts';
import { ScopeModel } from '../src/oauth/scopes/model.ts';

// ScopeModel.grant keeps its answers per held list (an app's scopes never change); these
// pin down that a kept answer is the same answer, owned by the caller, and that refusals
// are decided afresh every time.
test('a repeated grant gives the same scopes, in an array the caller may change', () => {
  const model = new ScopeModel(DEFAULT_SCOPE_CATALOG);
  const held = model.normalise(['users.read', 'users.write', 'schedules.read']);
  const first = model.grant(held, 'users.write users.read');
  assert.deepEqual(first, ['users.read', 'users.write']);
  first.push('tampered');
  assert.deepEqual(model.grant(held, 'users.write users.read'), ['users.read', 'users.write']);
  assert.deepEqual(model.grant(held, undefined), held);
  assert.deepEqual(model.grant(held, 'users.read users.read'), ['users.read']);
});

test('the policy is part of the answer, and refusals are never kept', () => {
  const model = new ScopeModel(DEFAULT_SCOPE_CATALOG);
  const held = model.normalise(['users.read']);
  for (let i = 0; i < 3; i++) {
    assert.throws(() => model.grant(held, 'users.read users.write', 'strict'), /not granted/);
    assert.deepEqual(model.grant(held, 'users.read users.write', 'narrow'), ['users.read']);
  }
});

test('another held list with the same request is decided on its own', () => {
  const model = new ScopeModel(DEFAULT_SCOPE_CATALOG);
  const wide = model.normalise(['users.read', 'users.write']);
  const narrow = model.normalise(['users.read']);
  assert.deepEqual(model.grant(wide, 'users.write'), ['users.write']);
  assert.throws(() => model.grant(narrow, 'users.write'), /not granted/);
});

test('many distinct requests against one app stay correct past the memo bound', () => {
  const model = new ScopeModel(DEFAULT_SCOPE_CATALOG);
  const held = model.normalise(['users.read', 'users.write']);
  for (let i = 0; i < 100; i++) {
    const request = `${' '.repeat(i % 7)}users.read${' '.repeat(i + 1)}users.write`;
    assert.deepEqual(model.grant(held, request), ['users.read', 'users.write']);
  }
});
