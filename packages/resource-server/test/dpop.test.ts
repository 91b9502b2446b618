import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { type LiveGatehouse, liveGatehouse } from '../../../test/helpers/live-gatehouse.ts';
import {
  createExpressAuth,
  createFastifyAuth,
  createVerifier,
  createWebAuth,
  type Verifier,
} from '../src/index.ts';

/** base64url SHA-256 of the token, as a proof's `ath` names it (RFC 9449 4.2). */
const athOf = async (token: string) =>
  Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))).toString('base64url');

describe('DPoP-bound tokens at the resource server (RFC 9449 7), in all three adapters', () => {
  let gh: LiveGatehouse;
  let verifier: Verifier;
  let expressServer: ReturnType<ReturnType<typeof express>['listen']>;
  let fastify: FastifyInstance;
  const bases: Record<'express' | 'fastify', string> = { express: '', fastify: '' };
  let config: client.Configuration;
  let keys: client.CryptoKeyPair;
  let DPoP: client.DPoPHandle;
  let dpopToken: string;
  let bearerToken: string;

  before(async () => {
    gh = await liveGatehouse();
    verifier = createVerifier({ issuer: gh.issuer, audience: gh.audience });
    const ea = createExpressAuth({ verifier, realm: 'express-api' });
    const app = express();
    app.get('/users', ea.requireScopes('users.read'), (req, res) => {
      res.json({ sub: ea.contextOf(req).claims.sub, cnf: ea.contextOf(req).claims.cnf ?? null });
    });
    expressServer = app.listen(0, '127.0.0.1');
    await new Promise((r) => expressServer.once('listening', r));
    bases.express = `http://127.0.0.1:${(expressServer.address() as AddressInfo).port}`;

    const fa = createFastifyAuth({ verifier, realm: 'fastify-api' });
    fastify = Fastify();
    await fastify.register(fa.plugin);
    fastify.get('/users', { preHandler: fa.requireScopes('users.read') }, async (req) => ({
      sub: fa.claimsOf(req).sub,
      cnf: fa.claimsOf(req).cnf ?? null,
    }));
    await fastify.listen({ host: '127.0.0.1', port: 0 });
    bases.fastify = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;

    const internal = await gh.createApp({ scopes: ['users.read'] });
    config = await client.discovery(new URL(gh.issuer), internal.clientId, internal.clientSecret, undefined, {
      execute: [client.allowInsecureRequests],
    });
    keys = await client.randomDPoPKeyPair('ES256');
    DPoP = client.getDPoPHandle(config, keys);
    dpopToken = (await client.clientCredentialsGrant(config, { scope: 'users.read' }, { DPoP })).access_token;
    bearerToken = await gh.token(internal, 'users.read');
  });
  after(async () => {
    verifier.close();
    await new Promise((r) => expressServer.close(r));
    await fastify.close();
    await gh.close();
  });

  for (const adapter of ['express', 'fastify'] as const) {
    test(`${adapter}: openid-client's DPoP requests pass; bearer tokens still do`, async () => {
      const url = new URL(`${bases[adapter]}/users`);
      const res = await client.fetchProtectedResource(config, dpopToken, url, 'GET', undefined, undefined, {
        DPoP,
      });
      assert.equal(res.status, 200, await res.clone().text());
      const body = await res.json();
      assert.equal(body.sub, config.clientMetadata().client_id);
      assert.equal(typeof body.cnf.jkt, 'string');
      // A second request gets a fresh proof from openid-client: no false replay.
      const again = await client.fetchProtectedResource(config, dpopToken, url, 'GET', undefined, undefined, {
        DPoP,
      });
      assert.equal(again.status, 200);
      const plain = await fetch(url, { headers: { authorization: `Bearer ${bearerToken}` } });
      assert.equal(plain.status, 200);
    });

    test(`${adapter}: a bound token as Bearer, a missing, replayed or mismatched proof are refused with a DPoP challenge`, async () => {
      const url = `${bases[adapter]}/users`;
      const realm = `${adapter}-api`;
      // The bound token as a bearer token.
      const asBearer = await fetch(url, { headers: { authorization: `Bearer ${dpopToken}` } });
      assert.equal(asBearer.status, 401);
      assert.equal((await asBearer.json()).error, 'invalid_token');
      assert.match(
        asBearer.headers.get('www-authenticate') ?? '',
        new RegExp(`^DPoP realm="${realm}", algs="ES256 EdDSA Ed25519 RS256", error="invalid_token"`),
      );
      // The DPoP scheme without a proof.
      const noProof = await fetch(url, { headers: { authorization: `DPoP ${dpopToken}` } });
      assert.equal(noProof.status, 401);
      assert.equal((await noProof.json()).error, 'invalid_dpop_proof');
      assert.match(noProof.headers.get('www-authenticate') ?? '', /^DPoP .*error="invalid_dpop_proof"/);
      // A proof captured from oauth4webapi, replayed.
      let captured = '';
      const first = await oauth.protectedResourceRequest(
        dpopToken,
        'GET',
        new URL(url),
        new Headers(),
        null,
        {
          DPoP: oauth.DPoP({}, keys),
          [oauth.allowInsecureRequests]: true,
          [oauth.customFetch]: (u, init) => {
            captured = new Headers(init.headers).get('dpop') ?? '';
            return fetch(u, init as RequestInit);
          },
        },
      );
      assert.equal(first.status, 200);
      const replay = await fetch(url, { headers: { authorization: `DPoP ${dpopToken}`, dpop: captured } });
      assert.equal(replay.status, 401);
      const replayBody = await replay.json();
      assert.equal(replayBody.error, 'invalid_dpop_proof');
      assert.match(replayBody.error_description, /already used/);
      // ath of another token (the proof is otherwise right: same key, method and URI).
      const jwk = await exportJWK(keys.publicKey);
      const proof = (claims: Record<string, unknown>) =>
        new SignJWT({ htm: 'GET', htu: url, ...claims })
          .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
          .setIssuedAt()
          .setJti(crypto.randomUUID())
          .sign(keys.privateKey);
      const send = async (dpop: string) => {
        const res = await fetch(url, { headers: { authorization: `DPoP ${dpopToken}`, dpop } });
        return { status: res.status, body: await res.json() };
      };
      const wrongAth = await send(await proof({ ath: await athOf(bearerToken) }));
      assert.equal(wrongAth.status, 401);
      assert.match(wrongAth.body.error_description, /"ath"/);
      const noAth = await send(await proof({}));
      assert.match(noAth.body.error_description, /"ath"/);
      const ath = await athOf(dpopToken);
      assert.match((await send(await proof({ ath, htm: 'POST' }))).body.error_description, /"htm"/);
      assert.match(
        (await send(await proof({ ath, htu: 'https://elsewhere.example/users' }))).body.error_description,
        /"htu"/,
      );
      // Signed by another key than the token's.
      const other = await generateKeyPair('ES256');
      const foreign = await new SignJWT({ htm: 'GET', htu: url, ath })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(other.publicKey) })
        .setIssuedAt()
        .setJti(crypto.randomUUID())
        .sign(other.privateKey);
      assert.match((await send(foreign)).body.error_description, /another key/);
      // A right proof made by hand passes: the refusals above are for what they say.
      assert.equal((await send(await proof({ ath }))).status, 200);
      // An unbound token with the DPoP scheme.
      const unbound = await fetch(url, {
        headers: {
          authorization: `DPoP ${bearerToken}`,
          dpop: await proof({ ath: await athOf(bearerToken) }),
        },
      });
      assert.equal(unbound.status, 401);
      assert.equal((await unbound.json()).error, 'invalid_token');
    });
  }

  test('Web Request adapter: oauth4webapi DPoP requests pass; a replay is refused', async () => {
    const auth = createWebAuth({ verifier, realm: 'edge' });
    const handle = oauth.DPoP({}, keys);
    let last: Request | undefined;
    const res = await oauth.protectedResourceRequest(
      dpopToken,
      'GET',
      new URL('https://api.example/users?page=2'),
      new Headers(),
      null,
      {
        DPoP: handle,
        [oauth.customFetch]: async (url, init) => {
          last = new Request(url, init as RequestInit);
          const result = await auth.authenticateRequest(last.clone(), { scopes: ['users.read'] });
          return result instanceof Response ? result : Response.json({ sub: result.claims.sub });
        },
      },
    );
    assert.equal(res.status, 200);
    const replayed = await auth.authenticateRequest(last as Request);
    assert.ok(replayed instanceof Response);
    assert.equal(replayed.status, 401);
    assert.match(
      replayed.headers.get('www-authenticate') ?? '',
      /^DPoP realm="edge", algs=".*", error="invalid_dpop_proof"/,
    );
  });
});
