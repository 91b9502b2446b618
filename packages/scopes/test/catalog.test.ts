import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CatalogError, CompiledCatalog, describe, type ScopeCatalog, validateCatalog } from '../src/index.ts';

const E = '8ed17dce-9eca-4383-a9e1-54f82c362b6d';
const catalog: ScopeCatalog = {
  plain: [{ name: 'view:user', description: 'View user profiles' }],
  features: [{ name: 'users', label: 'Users', permissions: ['read', 'write'] }],
  templates: [
    {
      name: 'target-entity',
      description: 'For entity',
      entityPattern: '[0-9a-f-]{36}',
      permissions: [
        { name: 'employees-read', description: 'read employees' },
        { name: 'performance-evaluations-read', description: 'read performance evaluations' },
      ],
    },
  ],
  wildcard: true,
};

test('a compiled catalog knows concrete scopes and template instances, and says why not', () => {
  const c = new CompiledCatalog(catalog);
  assert.deepEqual([...c.concrete.keys()], ['view:user', 'users.read', 'users.write']);
  assert.ok(c.isKnown('users.write'));
  assert.ok(c.isKnown(`target-entity:${E}:employees-read,performance-evaluations-read`));
  assert.match(c.problem('users.delete') ?? '', /not a known scope/);
  assert.match(c.problem('target-entity:{entity}:employees-read') ?? '', /entity id/);
  assert.match(c.problem(`target-entity:${E}:payroll`) ?? '', /"payroll"/);
  assert.match(c.problem(`target-entity:${E}`) ?? '', /not a known scope/);
  // The pattern must match the whole id, not a part of it.
  assert.match(c.problem(`target-entity:x${E}:employees-read`) ?? '', /entity id/);
  assert.equal(c.wildcard, true);
});

test('describe words each scope for consent', () => {
  const c = new CompiledCatalog(catalog);
  assert.deepEqual(
    describe(['users.read', `target-entity:${E}:employees-read,performance-evaluations-read`, 'odd'], c),
    [
      { scope: 'users.read', description: 'Read users' },
      {
        scope: `target-entity:${E}:employees-read,performance-evaluations-read`,
        description: `For entity ${E}: read employees; read performance evaluations`,
      },
      { scope: 'odd', description: 'odd' },
    ],
  );
});

test('validateCatalog accepts a good catalog and fills defaults', () => {
  const v = validateCatalog(JSON.parse(JSON.stringify(catalog)));
  assert.deepEqual(v, catalog);
  assert.deepEqual(validateCatalog({ plain: [{ name: 'v1_access', description: 'API' }] }), {
    plain: [{ name: 'v1_access', description: 'API' }],
    features: [],
    templates: [],
    wildcard: false,
  });
});

test('validateCatalog reports every problem with its path', () => {
  const err = (() => {
    try {
      validateCatalog({
        plain: [{ name: 'a b', description: 'x' }, { name: 'users.read', description: 'dup' }, 7],
        features: [{ name: 'users', label: 'Users', permissions: ['read', 'admin'] }],
        templates: [
          {
            name: 't',
            description: 'T',
            entityPattern: '(',
            permissions: [{ name: 'a,b', description: 'x' }],
          },
        ],
        wildcard: 'yes',
        extra: 1,
      });
    } catch (e) {
      return e;
    }
  })();
  assert.ok(err instanceof CatalogError);
  const text = err.problems.join('\n');
  for (const expected of [
    /^extra is not a catalog field/m,
    /^plain\[0\]\.name "a b" is not a valid scope token/m,
    /^plain\[2\] must be an object/m,
    /^features\[0\]\.permissions must be a non-empty list of read, write, delete/m,
    /repeats the scope "users\.read"/,
    /^templates\[0\]\.entityPattern is not a valid regular expression/m,
    /^templates\[0\]\.permissions\[0\]\.name may not contain/m,
    /^wildcard must be true or false/m,
  ])
    assert.match(text, expected);
  assert.throws(() => validateCatalog([]), CatalogError);
});

test('validateCatalog reads resources (RFC 8707) and names each problem of them', () => {
  const resources = [
    { uri: 'https://api.example.com/users', name: 'Users API', scopes: ['users.read', 'target-entity'] },
  ];
  assert.deepEqual(
    validateCatalog({ ...JSON.parse(JSON.stringify(catalog)), resources }).resources,
    resources,
  );
  assert.equal(validateCatalog(JSON.parse(JSON.stringify(catalog))).resources, undefined);
  try {
    validateCatalog({
      ...JSON.parse(JSON.stringify(catalog)),
      resources: [
        { uri: '/relative', name: 'A', scopes: ['users.read'] },
        { uri: 'https://api.example.com/b#frag', name: 'B', scopes: ['nope'] },
        { uri: 'https://api.example.com/c', name: 'C', scopes: [] },
        { uri: 'https://api.example.com/c', name: 'C again', scopes: ['users.read'], extra: 1 },
      ],
    });
    assert.fail('expected a CatalogError');
  } catch (err) {
    assert.ok(err instanceof CatalogError);
    assert.deepEqual(err.problems, [
      'resources[0].uri must be an absolute URI without a fragment',
      'resources[1].uri must be an absolute URI without a fragment',
      'resources[1].scopes[0] names no scope or template of this catalog',
      'resources[2].scopes must be a non-empty array of scope or template names',
      'resources[3].extra is not a field (uri, name, scopes)',
      'resources[3].uri repeats "https://api.example.com/c"',
    ]);
  }
});
