import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { basicCredentialsOf, parseBasicCredentials } from '../src/oauth/client-auth/basic-credentials.ts';
import { namedClientId } from '../src/oauth/client-auth/limits.ts';
import type { TokenEndpointRequest } from '../src/oauth/context.ts';
import { Params } from '../src/oauth/params.ts';

const basic = (userPass: string) => `Basic ${Buffer.from(userPass).toString('base64')}`;

describe('Basic client credentials (RFC 6749 2.3.1)', () => {
  it('decodes the id and the secret, each form-urlencoded', () => {
    assert.deepEqual(parseBasicCredentials(basic('app_1:s3cret')), {
      ok: true,
      clientId: 'app_1',
      secret: 's3cret',
    });
    assert.deepEqual(parseBasicCredentials(basic('a%3Ab+c:p%25w+d')), {
      ok: true,
      clientId: 'a:b c',
      secret: 'p%w d',
    });
    assert.deepEqual(parseBasicCredentials(`bAsIc   ${Buffer.from('x:y').toString('base64')}  `), {
      ok: true,
      clientId: 'x',
      secret: 'y',
    });
  });

  it('is undefined without a header or with another scheme', () => {
    assert.equal(parseBasicCredentials(undefined), undefined);
    assert.equal(parseBasicCredentials('Bearer abc'), undefined);
    assert.equal(parseBasicCredentials('Basically'), undefined);
  });

  it('says what is wrong with a malformed header', () => {
    const reason = (h: string) => {
      const r = parseBasicCredentials(h);
      assert.ok(r && !r.ok, `${h} should fail`);
      return r.reason;
    };
    assert.match(reason('Basic'), /not valid Basic credentials/);
    assert.match(reason('Basic !!!'), /not valid Basic credentials/);
    assert.match(reason(basic('no-colon')), /client_id:client_secret/);
    assert.match(reason(basic(':secret-only')), /client_id:client_secret/);
    assert.match(reason(basic('app:%E0%A4%A')), /form-urlencoded/);
  });

  it('decodes a request header once, however often it is asked', () => {
    let reads = 0;
    const header = basic('app_1:s3cret');
    const req = {
      params: Params.fromForm('grant_type=client_credentials'),
      get authorization() {
        reads++;
        return header;
      },
    } as TokenEndpointRequest;
    const first = basicCredentialsOf(req);
    const second = basicCredentialsOf(req);
    assert.equal(first, second);
    assert.equal(reads, 1);
    assert.equal(basicCredentialsOf({ params: Params.fromForm('') }), undefined);
  });

  it('gives the failure budgets the Basic id, else the body client_id, cut to 200 characters', () => {
    const named = (body: string | undefined, authorization: string | undefined) =>
      namedClientId({
        params: Params.fromForm(body === undefined ? '' : `client_id=${encodeURIComponent(body)}`),
        basic: parseBasicCredentials(authorization),
      });
    assert.equal(named('body_id', basic('basic_id:x')), 'basic_id');
    assert.equal(named('body_id', 'Basic !!!'), 'body_id');
    assert.equal(named('body_id', undefined), 'body_id');
    assert.equal(named(undefined, undefined), undefined);
    assert.equal(named('x'.repeat(300), undefined)?.length, 200);
    assert.equal(named(undefined, basic(`${'y'.repeat(300)}:s`))?.length, 200);
  });
});
