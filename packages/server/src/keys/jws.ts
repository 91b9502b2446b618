import { constants, type KeyObject, sign } from 'node:crypto';
import type { SigningAlg } from '../storage/types.ts';

/** A private key ready to sign, with what goes into the JWS header. */
export interface JwsKey {
  alg: SigningAlg;
  kid: string;
  privateKey: KeyObject;
}

/**
 * Signs JWTs in the JWS Compact Serialization (RFC 7515 section 7.1): the base64url of the
 * protected header and of the claims, joined by a dot, then the signature over those bytes.
 *
 * The signature is node:crypto's one-shot `sign` with a callback, which runs in libuv's
 * thread pool. jose 6 (which Gatehouse uses to create, import, publish and verify keys and
 * tokens) signs only through WebCrypto; on Node its per-call plumbing (WebIDL conversion,
 * algorithm normalisation, a job promise per signature) cost the token endpoint about 40%
 * of its throughput on the same machine (docs/benchmarks.md). The cryptography is Node's
 * (OpenSSL); what is ours is the serialization, and every test that receives a token checks
 * it with jose (and test/jws.test.ts does so for every algorithm and arbitrary claims).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.1 (ES256: R || S, 64 bytes)
 */
export class JwsSigner {
  /** Encoded protected headers, by kid and typ: the same few strings for every token. */
  private readonly headers = new Map<string, string>();

  async sign(key: JwsKey, typ: string, claims: Record<string, unknown>): Promise<string> {
    const input = `${this.header(key, typ)}.${Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')}`;
    const signature = await signAsync(key, Buffer.from(input, 'latin1'));
    return `${input}.${signature.toString('base64url')}`;
  }

  private header(key: JwsKey, typ: string): string {
    const id = `${key.kid}\u0000${typ}`;
    let encoded = this.headers.get(id);
    if (encoded === undefined) {
      encoded = Buffer.from(JSON.stringify({ alg: key.alg, kid: key.kid, typ }), 'utf8').toString(
        'base64url',
      );
      // Keys rotate rarely; a handful of entries, dropped all at once if it ever grows.
      if (this.headers.size >= 64) this.headers.clear();
      this.headers.set(id, encoded);
    }
    return encoded;
  }
}

function signAsync(key: JwsKey, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, signature: Buffer) => (err ? reject(err) : resolve(signature));
    switch (key.alg) {
      case 'ES256':
        // JWS wants the raw R || S pair, not the DER that OpenSSL produces by default.
        return sign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' }, done);
      case 'RS256':
        return sign('sha256', data, { key: key.privateKey, padding: constants.RSA_PKCS1_PADDING }, done);
      case 'EdDSA':
        // Ed25519 hashes internally: no digest.
        return sign(null, data, key.privateKey, done);
      default:
        return reject(new Error(`cannot sign with ${String(key.alg satisfies never)}`));
    }
  });
}
