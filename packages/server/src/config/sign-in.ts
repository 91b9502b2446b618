import { readFileSync } from 'node:fs';

/** How a person arriving from an upstream is matched to a Gatehouse user (docs/sign-in.md). */
export type UpstreamLinking = 'verified-email' | 'subject-only';

/** One upstream OpenID Connect provider people may sign in with. */
export interface UpstreamProvider {
  /** In URLs (`/login/upstream/{id}`): lowercase letters, digits and dashes. */
  id: string;
  /** Shown as "Sign in with {name}". */
  name: string;
  /** The upstream's issuer URL; its discovery document is read from there. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Asked for upstream; always includes `openid`. Default `openid email profile`. */
  scopes: string[];
  /** Which id_token claims carry the e-mail, the name, and (optionally) the company memberships. */
  claims: { email: string; name: string; companies: string | null };
  /**
   * `verified-email` (default): a first sign-in links the existing user with the same e-mail
   * when the upstream says `email_verified: true`. `subject-only`: never by e-mail.
   */
  link: UpstreamLinking;
  /** Whether a first sign-in with no user to link creates one. Default true. */
  provision: boolean;
}

/** The ways people may sign in on this deployment: the login page shows only these. */
export interface SignInConfig {
  /** `GATEHOUSE_LOCAL_PASSWORDS=on|off`, default on: the e-mail and password form. */
  localPasswords: boolean;
  /** `GATEHOUSE_UPSTREAMS`: JSON, or the path of a JSON file. Default none. */
  upstreams: UpstreamProvider[];
  /** `GATEHOUSE_UPSTREAM_TIMEOUT_MS`, default 5000: one request to an upstream (discovery, token). */
  upstreamTimeoutMs: number;
  /** `GATEHOUSE_LOGIN_URL` (and `GATEHOUSE_LOGIN_NAME`): login delegation; absent when off. */
  delegation?: LoginDelegationConfig;
}

/** Login delegation to the SaaS company's own login application (docs/sign-in.md). */
export interface LoginDelegationConfig {
  /** `GATEHOUSE_LOGIN_URL`: the browser is sent here with `?login_challenge=…`. */
  url: string;
  /** `GATEHOUSE_LOGIN_NAME`: shown as "Sign in with {name}"; default the login URL's host. */
  name: string;
}

/** `GATEHOUSE_LOGIN_URL` and `GATEHOUSE_LOGIN_NAME`: undefined when no login URL is set. */
export function parseDelegation(env: NodeJS.ProcessEnv): LoginDelegationConfig | undefined {
  const raw = env.GATEHOUSE_LOGIN_URL?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`GATEHOUSE_LOGIN_URL must be a URL, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error('GATEHOUSE_LOGIN_URL must be an https (or, for tests and laptops, http) URL');
  if (url.searchParams.has('login_challenge') || url.hash !== '')
    throw new Error('GATEHOUSE_LOGIN_URL must not carry a login_challenge or a #fragment');
  const name = env.GATEHOUSE_LOGIN_NAME?.trim() || url.host;
  if (name.length > 60) throw new Error('GATEHOUSE_LOGIN_NAME must be at most 60 characters');
  return { url: url.href, name };
}

const ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

function text(raw: Record<string, unknown>, key: string, where: string, fallback?: string): string {
  const v = raw[key] ?? fallback;
  if (typeof v !== 'string' || v.trim() === '')
    throw new Error(`${where}: "${key}" must be a non-empty string`);
  return v.trim();
}

function upstream(raw: unknown, i: number): UpstreamProvider {
  const where = `GATEHOUSE_UPSTREAMS[${i}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error(`${where} must be an object`);
  const r = raw as Record<string, unknown>;
  const id = text(r, 'id', where);
  if (!ID.test(id))
    throw new Error(`${where}: "id" must be lowercase letters, digits and dashes, got "${id}"`);
  const issuer = text(r, 'issuer', where).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error(`${where}: "issuer" must be a URL, got "${issuer}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`${where}: "issuer" must be https`);
  const scopes = typeof r.scopes === 'string' ? r.scopes.split(/\s+/).filter(Boolean) : (r.scopes ?? null);
  if (scopes !== null && (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string')))
    throw new Error(`${where}: "scopes" must be a space-separated string or a list of strings`);
  const claims = (r.claims ?? {}) as Record<string, unknown>;
  const link = r.link ?? 'verified-email';
  if (link !== 'verified-email' && link !== 'subject-only')
    throw new Error(`${where}: "link" must be "verified-email" or "subject-only"`);
  if (r.provision !== undefined && typeof r.provision !== 'boolean')
    throw new Error(`${where}: "provision" must be true or false`);
  return {
    id,
    name: text(r, 'name', where),
    issuer,
    clientId: text(r, 'client_id', where),
    clientSecret: text(r, 'client_secret', where),
    scopes: [...new Set(['openid', ...(scopes ?? ['email', 'profile'])])],
    claims: {
      email: text(claims, 'email', `${where}.claims`, 'email'),
      name: text(claims, 'name', `${where}.claims`, 'name'),
      companies: claims.companies === undefined ? null : text(claims, 'companies', `${where}.claims`),
    },
    link,
    provision: r.provision ?? true,
  };
}

/** `GATEHOUSE_UPSTREAMS`: a JSON list (starting with `[`) or the path of a file holding one. */
export function parseUpstreams(value: string | undefined): UpstreamProvider[] {
  if (value === undefined || value.trim() === '') return [];
  const source = value.trim().startsWith('[') ? value : readFileSync(value.trim(), 'utf8');
  let list: unknown;
  try {
    list = JSON.parse(source);
  } catch (err) {
    throw new Error(`GATEHOUSE_UPSTREAMS is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(list)) throw new Error('GATEHOUSE_UPSTREAMS must be a JSON list of providers');
  const upstreams = list.map(upstream);
  const ids = upstreams.map((u) => u.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new Error(`GATEHOUSE_UPSTREAMS: the id "${twice}" is used twice`);
  return upstreams;
}

export function signInConfig(env: NodeJS.ProcessEnv): SignInConfig {
  const local = (env.GATEHOUSE_LOCAL_PASSWORDS ?? 'on').trim().toLowerCase();
  if (local !== 'on' && local !== 'off')
    throw new Error(`GATEHOUSE_LOCAL_PASSWORDS must be on or off, got "${env.GATEHOUSE_LOCAL_PASSWORDS}"`);
  const upstreams = parseUpstreams(env.GATEHOUSE_UPSTREAMS);
  const delegation = parseDelegation(env);
  if (local === 'off' && upstreams.length === 0 && delegation === undefined)
    throw new Error(
      'GATEHOUSE_LOCAL_PASSWORDS=off needs another way to sign in: an upstream in GATEHOUSE_UPSTREAMS or GATEHOUSE_LOGIN_URL',
    );
  const timeout = Number(env.GATEHOUSE_UPSTREAM_TIMEOUT_MS ?? 5000);
  if (!Number.isInteger(timeout) || timeout < 100 || timeout > 60_000)
    throw new Error('GATEHOUSE_UPSTREAM_TIMEOUT_MS must be 100 to 60000 milliseconds');
  return {
    localPasswords: local === 'on',
    upstreams,
    upstreamTimeoutMs: timeout,
    ...(delegation ? { delegation } : {}),
  };
}
