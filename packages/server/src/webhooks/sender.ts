import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { defaultHostResolver, type HostResolver } from './resolve.ts';
import { addressRefusal, type NetworkPolicy } from './ssrf.ts';

export interface SendResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface SendOptions {
  timeoutMs: number;
  policy: NetworkPolicy;
  /** How the receiver's host is resolved (c-ares, off libuv's pool); default: the shared one. */
  resolver?: HostResolver;
}

/** The family a connect asks lookup for: 4, 6, or 0 for either. */
function familyOf(family: unknown): 0 | 4 | 6 {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}

/**
 * A net.connect `lookup` that resolves with `resolve` instead of dns.lookup, then refuses
 * the connection if any address is one the policy forbids.
 */
function guardedLookup(policy: NetworkPolicy, resolve: HostResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, familyOf(options.family)).then(
      (list) => {
        for (const a of list) {
          const refusal = addressRefusal(a.address, policy);
          if (refusal)
            return callback(
              Object.assign(new Error(`refused: ${refusal}`), { code: 'EREFUSED_SSRF' }),
              '',
              0,
            );
        }
        const first = list[0];
        if (!first) return callback(new Error('no address'), '', 0);
        // Node's happy-eyeballs connect (autoSelectFamily) asks for every address at once.
        if ((options as { all?: boolean }).all)
          return (callback as unknown as (e: null, a: unknown) => void)(null, list);
        callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

/**
 * POSTs one webhook. No redirect is followed (a 3xx is a failed attempt), the whole
 * exchange has a deadline, at most 4 KiB of the answer is read, and the address connected
 * to is checked against the network policy.
 */
export function sendWebhook(url: string, headers: Record<string, string>, body: string, opts: SendOptions) {
  const started = performance.now();
  const done = (statusCode: number | null, error: string | null): SendResult => ({
    statusCode,
    error,
    durationMs: Math.round(performance.now() - started),
  });
  return new Promise<SendResult>((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve(done(null, 'invalid URL'));
      return;
    }
    const literal = target.hostname.replace(/^\[|\]$/g, '');
    const refusal = /^[\d.]+$|:/.test(literal) ? addressRefusal(literal, opts.policy) : undefined;
    if (refusal) {
      resolve(done(null, `refused: ${refusal}`));
      return;
    }
    const mod = target.protocol === 'https:' ? https : http;
    const req = mod.request(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Gatehouse-Webhooks/1',
        },
        lookup: guardedLookup(opts.policy, opts.resolver ?? defaultHostResolver),
        timeout: opts.timeoutMs,
        agent: false,
      },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > 4096) res.destroy();
        });
        res.on('close', () => {
          const code = res.statusCode ?? null;
          resolve(done(code, code !== null && code >= 200 && code < 300 ? null : `HTTP ${code}`));
        });
      },
    );
    const deadline = setTimeout(
      () => req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)),
      opts.timeoutMs,
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)));
    req.on('error', (err) => {
      clearTimeout(deadline);
      resolve(done(null, err.message.slice(0, 200)));
    });
    req.on('close', () => clearTimeout(deadline));
    req.end(body);
  });
}
