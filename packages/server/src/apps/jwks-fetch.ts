import http from 'node:http';
import https from 'node:https';
import type { FetchImplementation } from 'jose';
import { TenantVisibleError } from '../webhooks/delivery-error.ts';
import { defaultHostResolver, type HostResolver } from '../webhooks/resolve.ts';
import { guardedLookup } from '../webhooks/sender.ts';
import { addressRefusal, type NetworkPolicy } from '../webhooks/ssrf.ts';

/**
 * Why a jwks_uri could not be used, in words fit to show the client (never an address):
 * invalid_client's description carries it (oauth/client-auth/client-assertion.ts).
 */
export class JwksFetchError extends Error {
  override readonly name = 'JwksFetchError';
}

/** A JWK Set larger than this is refused unread (MAX_JWKS_KEYS keys fit many times over). */
export const MAX_JWKS_BYTES = 64 * 1024;

export interface JwksFetchOptions {
  /** The webhooks' network policy (GATEHOUSE_WEBHOOK_NETWORK): which addresses may be reached. */
  policy: NetworkPolicy;
  resolver?: HostResolver;
}

/**
 * A `fetch` for jose's createRemoteJWKSet that reaches an app's jwks_uri under the webhook
 * delivery's SSRF rules (webhooks/ssrf.ts): the address actually connected to is checked, so
 * DNS rebinding cannot slip past; no redirect is followed; at most MAX_JWKS_BYTES are read.
 * jose itself bounds the time (timeoutDuration, through `signal`).
 */
export function guardedJwksFetch(opts: JwksFetchOptions): FetchImplementation {
  const lookup = guardedLookup(opts.policy, opts.resolver ?? defaultHostResolver);
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      const literal = target.hostname.replace(/^\[|\]$/g, '');
      const refusal = /^[\d.]+$|:/.test(literal) ? addressRefusal(literal, opts.policy) : undefined;
      if (refusal) {
        reject(new JwksFetchError(`its address is not allowed (${refusal})`));
        return;
      }
      const headers: Record<string, string> = { 'user-agent': 'Gatehouse-JWKS/1' };
      init.headers.forEach((v, k) => {
        headers[k] = v;
      });
      const mod = target.protocol === 'https:' ? https : http;
      const req = mod.request(
        target,
        { method: 'GET', headers, lookup, agent: false, signal: init.signal },
        (res) => {
          const chunks: Buffer[] = [];
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_JWKS_BYTES) {
              res.destroy();
              reject(new JwksFetchError(`it answered more than ${MAX_JWKS_BYTES} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            const responseHeaders = new Headers();
            const type = res.headers['content-type'];
            if (type !== undefined) responseHeaders.set('content-type', type);
            resolve(
              new Response(Buffer.concat(chunks), {
                status: res.statusCode ?? 502,
                headers: responseHeaders,
              }),
            );
          });
          res.on('error', reject);
        },
      );
      // The guarded lookup's errors are worded for tenants (no address); any other might name one.
      req.on('error', (err) =>
        reject(
          new JwksFetchError(
            err instanceof TenantVisibleError
              ? err.message.replace("the endpoint's address", 'its address')
              : 'it could not be reached',
          ),
        ),
      );
      req.end();
    });
}
