import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { TenantVisibleError, tenantError } from './delivery-error.ts';
import { defaultHostResolver, type HostResolver } from './resolve.ts';
import { addressRefusal, type NetworkPolicy } from './ssrf.ts';

export interface SendResult {
  statusCode: number | null;
  /** Fit for the tenant: never the address connected to (see delivery-error.ts). */
  error: string | null;
  /** The full error for the operator's debug log; may name addresses. Never stored. */
  detail?: string;
  /** True when `signal` ended the attempt before the receiver answered. */
  aborted?: boolean;
  durationMs: number;
}

export interface SendOptions {
  timeoutMs: number;
  policy: NetworkPolicy;
  /** How the receiver's host is resolved (c-ares, off libuv's pool); default: the shared one. */
  resolver?: HostResolver;
  /** Ends the attempt at once (the node is shutting down); the result says `aborted`. */
  signal?: AbortSignal;
  /** The body's media type; default application/json (a logout token is a form). */
  contentType?: string;
}

/** The family a connect asks lookup for: 4, 6, or 0 for either. */
function familyOf(family: unknown): 0 | 4 | 6 {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}

const CUT_SHORT = 'cut short: the node shut down';

/** The refusal a tenant sees; the address is only in `detail`, for the operator's log. */
function refused(reason: string, address: string): TenantVisibleError {
  return new TenantVisibleError(
    `the endpoint's address is not allowed (${reason})`,
    'EREFUSED_SSRF',
    `${address} refused: ${reason}`,
  );
}

/**
 * A net.connect `lookup` that resolves with `resolve` instead of dns.lookup, then refuses
 * the connection if any address is one the policy forbids.
 */
export function guardedLookup(policy: NetworkPolicy, resolve: HostResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, familyOf(options.family)).then(
      (list) => {
        for (const a of list) {
          const refusal = addressRefusal(a.address, policy);
          if (refusal) return callback(refused(refusal, a.address), '', 0);
        }
        const first = list[0];
        if (!first) return callback(new TenantVisibleError('no address for the host', 'ENODATA'), '', 0);
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
  const done = (statusCode: number | null, error: string | null, detail?: string): SendResult => ({
    statusCode,
    error,
    ...(detail !== undefined ? { detail } : {}),
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
      const err = refused(refusal, literal);
      resolve(done(null, err.message, err.detail));
      return;
    }
    if (opts.signal?.aborted) {
      resolve({ ...done(null, CUT_SHORT), aborted: true });
      return;
    }
    const mod = target.protocol === 'https:' ? https : http;
    const req = mod.request(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': opts.contentType ?? 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Gatehouse-Webhooks/1',
        },
        lookup: guardedLookup(opts.policy, opts.resolver ?? defaultHostResolver),
        timeout: opts.timeoutMs,
        agent: false,
      },
      (res) => {
        // The receiver has answered: the attempt is recorded even if the node is stopping.
        opts.signal?.removeEventListener('abort', onAbort);
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
    const timedOut = () => new TenantVisibleError(`timed out after ${opts.timeoutMs} ms`, 'ETIMEDOUT');
    const deadline = setTimeout(() => req.destroy(timedOut()), opts.timeoutMs);
    req.on('timeout', () => req.destroy(timedOut()));
    const onAbort = () => req.destroy(new TenantVisibleError(CUT_SHORT, 'EABORTED'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => {
      clearTimeout(deadline);
      if (err instanceof TenantVisibleError && err.code === 'EABORTED') {
        resolve({ ...done(null, CUT_SHORT), aborted: true });
        return;
      }
      const detail = err instanceof TenantVisibleError ? (err.detail ?? err.message) : err.message;
      resolve(done(null, tenantError(err), detail));
    });
    req.on('close', () => {
      clearTimeout(deadline);
      opts.signal?.removeEventListener('abort', onAbort);
    });
    req.end(body);
  });
}
