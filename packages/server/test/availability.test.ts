import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retiredPrefix } from '../src/http/availability.ts';

describe('retired API version prefixes', () => {
  const prefixes = ['/v0/', '/legacy'];

  it('matches a path under a prefix, with or without a query', () => {
    assert.equal(retiredPrefix('/v0/oauth2/token', prefixes), '/v0/');
    assert.equal(retiredPrefix('/v0/', prefixes), '/v0/');
    assert.equal(retiredPrefix('/v0/users?page=2', prefixes), '/v0/');
    assert.equal(retiredPrefix('/legacy/x', prefixes), '/legacy');
    assert.equal(
      retiredPrefix('/legacyish', prefixes),
      '/legacy',
      'a prefix without a slash is a plain prefix',
    );
  });

  it('matches the prefix without its trailing slash', () => {
    assert.equal(retiredPrefix('/v0', prefixes), '/v0/');
    assert.equal(retiredPrefix('/v0?x=1', prefixes), '/v0/');
  });

  it('leaves every other path alone, and never reads the query as the path', () => {
    for (const url of ['/v1/users', '/v00', '/oauth2/token', '/', '/x?/v0/', '/x?next=/v0', '/v', '/v0x'])
      assert.equal(retiredPrefix(url, prefixes), undefined, url);
    assert.equal(retiredPrefix('/v0/', []), undefined);
  });
});
