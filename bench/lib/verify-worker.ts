/**
 * Token verification measured in one process (over HTTP the server, not the verifier, would
 * be the bottleneck): serves an issuer on 127.0.0.1 (RFC 8414 metadata, the JWKS and a
 * revocation feed holding REVOKED entries, none of them for the measured token), signs one
 * RFC 9068 token and verifies it in a loop for the given seconds with the chosen verifier,
 * reporting ops/s and latencies. Both sides use the same cached remote JWKS; the SDK follows
 * the feed as it does in production (stream mode), so every uncached verification pays the
 * revocation check of a deployment that has revoked something.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import type { InProcessResult } from './types.ts';

/** A variable, so the typecheck does not require the package before it lands. */
const RESOURCE_SERVER = '@gatehouse/resource-server';
/** Live entries on the feed: other tokens' jtis, other apps, grants and families. */
const REVOKED = 1000;
type Verify = (token: string) => Promise<unknown>;
interface Input {
  verifier: 'jose' | 'resource-server-cached' | 'resource-server-uncached';
  warmup: number;
  duration: number;
}

async function main(input: Input): Promise<InProcessResult> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] };
  const iat = Math.floor(Date.now() / 1000);
  // The feed's wire form (Gatehouse's revocation-keys.ts): base64url SHA-256 of `kind:value`.
  const kinds = ['jti', 'client', 'grant', 'family'] as const;
  const revocations = Array.from({ length: REVOKED }, (_, i) => ({
    seq: i + 1,
    hash: createHash('sha256')
      .update(`${kinds[i % 4]}:other-${i}`)
      .digest('base64url'),
    exp: iat + 3600,
  }));
  let issuer = '';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (body: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path === '/jwks') return json(jwks);
    if (path === '/.well-known/oauth-authorization-server')
      return json({
        issuer,
        jwks_uri: `${issuer}/jwks`,
        revocation_feed_endpoint: `${issuer}/oauth2/revocations`,
      });
    if (path === '/oauth2/revocations') {
      if (req.headers.accept !== 'text/event-stream') return json({ revocations, has_more: false });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`event: ready\ndata: ${JSON.stringify({ after: REVOKED })}\n\n`);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  issuer = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const jwksUri = `${issuer}/jwks`;
  const audience = `${issuer}/api`;
  const token = await new SignJWT({ client_id: 'c1', scope: 'users.read' })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
    .setIssuer(issuer)
    .setSubject('c1')
    .setAudience(audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 3600)
    .setJti('jti-1')
    .sign(privateKey);

  const joseKeys = createRemoteJWKSet(new URL(jwksUri));
  const jose: Verify = (t) =>
    jwtVerify(t, joseKeys, { issuer, audience, algorithms: ['ES256'], typ: 'at+jwt' });
  let verify: Verify = jose;
  let closeVerifier = () => {};
  if (input.verifier !== 'jose') {
    const rs = (await import(RESOURCE_SERVER)) as {
      createVerifier(o: Record<string, unknown>): {
        verify: Verify;
        close(): void;
        revocations?: { status(): { streaming: boolean; size: number } };
      };
    };
    // cacheSize 0 turns off the verified-token cache only: keys, metadata and the feed stay.
    const cacheSize = input.verifier === 'resource-server-cached' ? 10_000 : 0;
    const v = rs.createVerifier({ issuer, audience, jwksUri, cacheSize });
    await v.verify(token);
    const status = v.revocations?.status();
    if (status?.size !== REVOKED)
      throw new Error(`the verifier did not load the revocation feed: ${JSON.stringify(status)}`);
    verify = v.verify;
    closeVerifier = () => v.close();
  }

  // The SDK runs in blocks alternating with jose.jwtVerify in this same process, so its ratio
  // to jose compares figures taken under the same load (other work on the box moves separate
  // runs by ±50%). The jose scenario runs jose alone.
  const paired = verify !== jose;
  const own = { n: 0, ms: 0, cpuUs: 0, samples: [] as number[] };
  const base = { n: 0, ms: 0, cpuUs: 0 };
  const block = async (
    f: Verify,
    ms: number,
    into?: { n: number; ms: number; cpuUs: number; samples?: number[] },
  ) => {
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    const end = t + ms;
    let n = 0;
    while (performance.now() < end) {
      const t0 = performance.now();
      await f(token);
      into?.samples?.push(performance.now() - t0);
      n++;
    }
    if (!into) return;
    const cpu = process.cpuUsage(cpu0);
    into.n += n;
    into.ms += performance.now() - t;
    into.cpuUs += cpu.user + cpu.system;
  };
  const run = async (seconds: number, measured: boolean) => {
    const blockMs = paired ? 250 : seconds * 1000;
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      await block(verify, blockMs, measured ? own : undefined);
      if (paired) await block(jose, blockMs, measured ? base : undefined);
    }
  };
  await run(input.warmup, false);
  await run(input.duration, true);
  closeVerifier();
  server.closeAllConnections();
  server.close();
  const samples = own.samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? 0;
  // CPU of the whole process (all threads: WebCrypto runs on libuv's pool) per verification.
  const perReq = (x: { n: number; cpuUs: number }) => (x.n > 0 ? { cpuUsPerReq: x.cpuUs / x.n } : {});
  return {
    reqPerSec: own.n / (own.ms / 1000),
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    errors: 0,
    total: own.n,
    seconds: own.ms / 1000,
    ...perReq(own),
    ...(paired ? { pairedBaseline: { reqPerSec: base.n / (base.ms / 1000), ...perReq(base) } } : {}),
  };
}

process.once('message', (input: Input) => {
  main(input).then(
    (result) => process.send!({ result }, () => process.exit(0)),
    (err: unknown) => process.send!({ error: String(err) }, () => process.exit(1)),
  );
});
