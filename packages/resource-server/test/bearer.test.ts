import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractBearerToken, ResourceServerError } from '../src/index.ts';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ResourceServerError);
    return err.code;
  }
  assert.fail('expected a ResourceServerError');
}

test('reads exactly one token after a case-insensitive Bearer scheme', () => {
  assert.equal(extractBearerToken('Bearer abc.def.ghi'), 'abc.def.ghi');
  assert.equal(extractBearerToken('bearer abc.def.ghi'), 'abc.def.ghi');
  assert.equal(extractBearerToken('BEARER  a-b_c~d+e/f=='), 'a-b_c~d+e/f==');
  assert.equal(extractBearerToken(['Bearer one']), 'one');
});

test('missing credentials are token_missing', () => {
  assert.equal(
    code(() => extractBearerToken(undefined)),
    'token_missing',
  );
  assert.equal(
    code(() => extractBearerToken('')),
    'token_missing',
  );
  assert.equal(
    code(() => extractBearerToken('Basic dXNlcjpwYXNz')),
    'token_missing',
  );
  assert.equal(
    code(() => extractBearerToken('Bearertoken')),
    'token_missing',
  );
});

test('anything but one b64token is token_malformed; a repeated header is request_invalid', () => {
  assert.equal(
    code(() => extractBearerToken('Bearer')),
    'token_malformed',
  );
  assert.equal(
    code(() => extractBearerToken('Bearer a b')),
    'token_malformed',
  );
  assert.equal(
    code(() => extractBearerToken('Bearer a,b')),
    'token_malformed',
  );
  assert.equal(
    code(() => extractBearerToken('Bearer "quoted"')),
    'token_malformed',
  );
  assert.equal(
    code(() => extractBearerToken(['Bearer a', 'Bearer b'])),
    'request_invalid',
  );
});

test('errors map to RFC 6750 statuses and challenges with a safe description', () => {
  const missing = new ResourceServerError('token_missing', 'no "token" here\\');
  assert.equal(missing.status, 401);
  assert.equal(
    missing.wwwAuthenticate('api'),
    `Bearer realm="api", error="invalid_token", error_description="no 'token' here'"`,
  );
  const scope = new ResourceServerError('insufficient_scope', 'needs more', ['users.read', 'users.write']);
  assert.equal(scope.status, 403);
  assert.deepEqual(scope.toJSON(), {
    error: 'insufficient_scope',
    error_description: 'needs more',
    scope: 'users.read users.write',
  });
  assert.match(scope.wwwAuthenticate() ?? '', /error="insufficient_scope".*scope="users.read users.write"$/);
  assert.equal(new ResourceServerError('request_invalid', 'x').status, 400);
  assert.equal(new ResourceServerError('jwks_unavailable', 'x').wwwAuthenticate('api'), undefined);
});
