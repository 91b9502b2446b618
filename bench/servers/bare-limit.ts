/**
 * The bare limit: node:http, a SHA-256-hashed secret compared in constant time, an ES256
 * JWT signed, nothing else (no framework, no storage, no logging). What a token endpoint on
 * this machine cannot beat; Gatehouse's distance to it is its overhead.
 *
 * It signs the way Gatehouse does, with the fastest signing this machine offers: node:crypto's
 * one-shot sign in libuv's pool, through Gatehouse's own JwsSigner (packages/server/src/keys/jws.ts).
 * With jose's SignJWT (WebCrypto) instead, this server ran about 25% slower; see docs/benchmarks.md.
 * It hashes with node:crypto's one-shot digest, as Gatehouse does.
 */
import { createPrivateKey, hash, type JsonWebKey, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import { JwsSigner } from '../../packages/server/src/keys/jws.ts';
import { announceReady, exitOnSignal } from '../lib/child.ts';

const port = Number(process.env.PORT ?? 0);
const issuer = `http://127.0.0.1:${port}`;
const clientId = 'bare-client';
const clientSecret = 'bare-secret-0123456789abcdef0123456789abcdef';
// The one-shot digest, as Gatehouse hashes: createHash() leaves a native object per call for
// the garbage collector's weak callbacks, which lengthened every young-generation pause.
const sha = (s: string) => hash('sha256', s, 'buffer');
const secretHash = sha(clientSecret);
const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const key = {
  alg: 'ES256' as const,
  kid: 'bare',
  privateKey: createPrivateKey({ key: (await exportJWK(privateKey)) as JsonWebKey, format: 'jwk' }),
};
const signer = new JwsSigner();
let seq = 0;

function send(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/token') return send(res, 404, { error: 'not_found' });
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => {
    body += c;
  });
  req.on('end', () => {
    const params = new URLSearchParams(body);
    if (params.get('grant_type') !== 'client_credentials')
      return send(res, 400, { error: 'unsupported_grant_type' });
    const basic = Buffer.from((req.headers.authorization ?? '').slice(6), 'base64').toString();
    const colon = basic.indexOf(':');
    if (basic.slice(0, colon) !== clientId || !timingSafeEqual(sha(basic.slice(colon + 1)), secretHash))
      return send(res, 401, { error: 'invalid_client' });
    const scope = params.get('scope') ?? 'users.read users.write';
    const iat = Math.floor(Date.now() / 1000);
    signer
      .sign(key, 'at+jwt', {
        iss: issuer,
        sub: clientId,
        aud: `${issuer}/api`,
        client_id: clientId,
        scope,
        iat,
        exp: iat + 3600,
        jti: `at_${process.pid}_${seq++}`,
      })
      .then((token) =>
        send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600, scope }),
      );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => {
  exitOnSignal(() => new Promise((r) => server.close(() => r())));
  announceReady({ url: issuer, tokenPath: '/token', clients: { jwt: { clientId, clientSecret } } });
});
