import {
  MIN_TOKEN_TTL as DEFAULT_MIN_TOKEN_TTL,
  DEFAULT_REFRESH_REUSE_WINDOW,
  MAX_REFRESH_REUSE_WINDOW,
  MAX_TOKEN_TTL,
} from '../apps/validation.ts';
import { DEFAULT_HTTP_TIMEOUTS, type HttpTimeouts } from '../http/timeouts.ts';
import { type DatabaseTimeouts, DEFAULT_DATABASE_TIMEOUTS } from '../storage/sql/connect.ts';

/**
 * The parsers behind loadConfig (config/index.ts): each reads one environment variable and
 * throws an Error that names the variable and the accepted form when the value is wrong.
 */

export const DEFAULT_RETIRED_PATH_PREFIXES = ['/v0/'];

export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`PORT must be 0-65535, got "${value}"`);
  return n;
}

export function parseRate(
  name: string,
  value: string | undefined,
  fallback: { perSecond: number; burst: number },
) {
  if (value === undefined || value.trim() === '') return fallback;
  const [rate, burst, extra] = value.split(',').map((x) => Number(x.trim()));
  if (extra !== undefined || rate === undefined || !Number.isFinite(rate) || rate < 0)
    throw new Error(`${name} must be "<requests per second>,<burst>" (e.g. "100,500"), got "${value}"`);
  const b = burst ?? Math.max(1, rate);
  if (!Number.isFinite(b) || b < 1)
    throw new Error(`${name}: the burst must be a number of at least 1, got "${value}"`);
  return { perSecond: rate, burst: b };
}

export function parseInterval(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a whole number of milliseconds (0 disables), got "${value}"`);
  return n;
}

export function parseFlag(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new Error(`${name} must be 1 or 0 (true or false), got "${value}"`);
}

export function parsePrefixes(value: string | undefined): string[] {
  if (value === undefined) return DEFAULT_RETIRED_PATH_PREFIXES;
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const p of list)
    if (!p.startsWith('/') || p === '/')
      throw new Error(`GATEHOUSE_RETIRED_PATHS entries must be path prefixes such as /v0/, got "${p}"`);
  return list;
}

export function parseTrustProxy(value: string | undefined): boolean | string {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return value;
}
/** A whole number of milliseconds from `min`; 0 (no limit) is allowed only where `min` is 0. */
export function parseTimeout(name: string, env: NodeJS.ProcessEnv, fallback: number, min = 0): number {
  const value = env[name];
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > 2_147_483_647)
    throw new Error(
      `${name} must be a whole number of milliseconds${min === 0 ? ' (0: no limit)' : ` of at least ${min}`}, got "${value}"`,
    );
  return n;
}

export function databaseTimeouts(env: NodeJS.ProcessEnv): DatabaseTimeouts {
  const d = DEFAULT_DATABASE_TIMEOUTS;
  return {
    connectMs: parseTimeout('GATEHOUSE_DB_CONNECT_TIMEOUT_MS', env, d.connectMs),
    queryMs: parseTimeout('GATEHOUSE_DB_QUERY_TIMEOUT_MS', env, d.queryMs),
    statementMs: parseTimeout('GATEHOUSE_DB_STATEMENT_TIMEOUT_MS', env, d.statementMs),
    idleInTransactionMs: parseTimeout('GATEHOUSE_DB_IDLE_TX_TIMEOUT_MS', env, d.idleInTransactionMs),
    sqliteBusyMs: parseTimeout('GATEHOUSE_SQLITE_BUSY_TIMEOUT_MS', env, d.sqliteBusyMs),
  };
}

export function httpTimeouts(env: NodeJS.ProcessEnv): HttpTimeouts {
  const d = DEFAULT_HTTP_TIMEOUTS;
  const t: HttpTimeouts = {
    requestMs: parseTimeout('GATEHOUSE_HTTP_REQUEST_TIMEOUT_MS', env, d.requestMs),
    headersMs: parseTimeout('GATEHOUSE_HTTP_HEADERS_TIMEOUT_MS', env, d.headersMs),
    idleMs: parseTimeout('GATEHOUSE_HTTP_IDLE_TIMEOUT_MS', env, d.idleMs),
    keepAliveMs: parseTimeout('GATEHOUSE_HTTP_KEEP_ALIVE_TIMEOUT_MS', env, d.keepAliveMs, 1),
  };
  // Node refuses a header deadline past the whole request's: it could never be reached.
  if (t.requestMs > 0 && t.headersMs > t.requestMs)
    throw new Error(
      `GATEHOUSE_HTTP_HEADERS_TIMEOUT_MS (${t.headersMs}) must not exceed GATEHOUSE_HTTP_REQUEST_TIMEOUT_MS (${t.requestMs})`,
    );
  return t;
}
export const DEFAULT_APP_CACHE_SIZE = 50_000;

/** A whole number, at least `min` (1 unless told). */
export function parseCount(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`${name} must be a whole number, at least ${min}, got "${value}"`);
  return n;
}

/** A whole number of apps, at least 1 (the cache cannot be turned off: every token request would read the database). */
export function parseAppCacheSize(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_APP_CACHE_SIZE;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`GATEHOUSE_APP_CACHE_SIZE must be a whole number of apps, at least 1, got "${value}"`);
  return n;
}

/** Whole seconds, 0 (off) to MAX_REFRESH_REUSE_WINDOW. */
export function parseReuseWindow(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_REFRESH_REUSE_WINDOW;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > MAX_REFRESH_REUSE_WINDOW)
    throw new Error(
      `GATEHOUSE_REFRESH_REUSE_WINDOW must be whole seconds from 0 (off) to ${MAX_REFRESH_REUSE_WINDOW}, got "${value}"`,
    );
  return n;
}

/** Default 60; 1 s at least, and never above the longest lifetime an app may have. */
export function parseMinTokenTtl(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_MIN_TOKEN_TTL;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_TOKEN_TTL)
    throw new Error(
      `GATEHOUSE_MIN_TOKEN_TTL must be whole seconds from 1 to ${MAX_TOKEN_TTL}, got "${value}"`,
    );
  return n;
}

export function parsePlans(value: string | undefined, fallback: string[]): string[] {
  if (value === undefined || value.trim() === '') return fallback;
  return value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/** GATEHOUSE_METRICS_PORT and GATEHOUSE_METRICS_TOKEN (config/index.ts MetricsConfig). */
export function metricsConfig(env: NodeJS.ProcessEnv): {
  port: number | undefined;
  token: string | undefined;
} {
  const rawPort = env.GATEHOUSE_METRICS_PORT?.trim();
  let port: number | undefined;
  if (rawPort) {
    port = Number(rawPort);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new Error(`GATEHOUSE_METRICS_PORT must be 1-65535, got "${rawPort}"`);
  }
  const token = env.GATEHOUSE_METRICS_TOKEN || undefined;
  if (token !== undefined && token.length < 16)
    throw new Error('GATEHOUSE_METRICS_TOKEN must be at least 16 characters');
  return { port, token };
}
