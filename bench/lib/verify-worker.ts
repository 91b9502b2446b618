/**
 * Token verification measured in one process (over HTTP the server, not the verifier, would
 * be the bottleneck): serves a JWKS on 127.0.0.1, signs one RFC 9068 token and verifies it
 * in a loop for the given seconds with the chosen verifier, reporting ops/s and latencies.
 */
import { createServer } from 'node:http';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import type { LoadResult } from './types.ts';

/** A variable, so the typecheck does not require the package before it lands. */
const RESOURCE_SERVER = '@gatehouse/resource-server';
type Verify = (token: string) => Promise<unknown>;
interface Input {
  verifier: 'jose' | 'resource-server-cached' | 'resource-server-uncached';
  warmup: number;
  duration: number;
}

async function main(input: Input): Promise<LoadResult> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] };
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const issuer = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const jwksUri = `${issuer}/jwks`;
  const audience = `${issuer}/api`;
  const iat = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ client_id: 'c1', scope: 'users.read' })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
    .setIssuer(issuer)
    .setSubject('c1')
    .setAudience(audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 3600)
    .setJti('jti-1')
    .sign(privateKey);

  let verify: Verify;
  if (input.verifier === 'jose') {
    const keys = createRemoteJWKSet(new URL(jwksUri));
    verify = (t) => jwtVerify(t, keys, { issuer, audience, algorithms: ['ES256'], typ: 'at+jwt' });
  } else {
    const rs = (await import(RESOURCE_SERVER)) as {
      createVerifier(o: Record<string, unknown>): { verify: Verify };
    };
    const cacheSize = input.verifier === 'resource-server-cached' ? 10_000 : 0;
    verify = rs.createVerifier({ issuer, audience, jwksUri, cacheSize }).verify;
  }

  const loop = async (seconds: number) => {
    const samples: number[] = [];
    const end = performance.now() + seconds * 1000;
    let n = 0;
    while (performance.now() < end) {
      const t0 = performance.now();
      await verify(token);
      samples.push(performance.now() - t0);
      n++;
    }
    return { n, samples };
  };
  await loop(input.warmup);
  const started = performance.now();
  const { n, samples } = await loop(input.duration);
  const seconds = (performance.now() - started) / 1000;
  server.close();
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? 0;
  return { reqPerSec: n / seconds, p50Ms: q(0.5), p99Ms: q(0.99), errors: 0, total: n, seconds };
}

process.once('message', (input: Input) => {
  main(input).then(
    (result) => process.send!({ result }, () => process.exit(0)),
    (err: unknown) => process.send!({ error: String(err) }, () => process.exit(1)),
  );
});
