import { BENCH_SCOPE_PARAM } from '../lib/constants.ts';
import type { ScenarioContext } from '../lib/types.ts';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  redirectUri?: string;
}

export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };

/** RFC 6749 2.3.1: each part form-urlencoded, then Basic. */
export function basic(c: ClientCredentials): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString('base64')}`;
}

export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** A client the target registered at start, by role (`jwt`, `opaque`, `partner`). */
export function client(ctx: ScenarioContext, role: string): ClientCredentials | undefined {
  const clients = ctx.target.info.clients as Record<string, ClientCredentials> | undefined;
  return clients?.[role];
}

/** Path of an endpoint named in the metadata, else the path the target announced. */
export function endpointPath(ctx: ScenarioContext, field: string, fallback?: string): string | undefined {
  const url = ctx.metadata?.[field];
  if (typeof url === 'string') return new URL(url).pathname;
  return fallback;
}

export function tokenPath(ctx: ScenarioContext): string {
  return endpointPath(ctx, 'token_endpoint', String(ctx.target.info.tokenPath ?? '/oauth2/token'))!;
}

/** Why the target cannot run a grant, judged from its metadata; undefined when it can. */
export function grantMissing(ctx: ScenarioContext, grant: string): string | undefined {
  const grants = ctx.metadata?.grant_types_supported;
  if (ctx.metadata === undefined || (Array.isArray(grants) && grants.includes(grant))) return undefined;
  return `grant_types_supported does not list ${grant} in this build`;
}

/** Sends one request and returns the JSON answer, failing loudly on anything but 200. */
export async function post(
  ctx: ScenarioContext,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${ctx.target.url}${path}`, { method: 'POST', headers, body });
  const text = await res.text();
  if (res.status !== 200)
    throw new Error(`${ctx.target.name} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** A client_credentials token for `role`, with extra form fields (oidc-provider's resource). */
export async function clientCredentialsToken(
  ctx: ScenarioContext,
  role: string,
  extra: Record<string, string> = {},
): Promise<string> {
  const c = client(ctx, role);
  if (!c) throw new Error(`${ctx.target.name} registered no ${role} client`);
  const r = await post(
    ctx,
    tokenPath(ctx),
    { ...FORM_HEADERS, authorization: basic(c) },
    form({ grant_type: 'client_credentials', scope: BENCH_SCOPE_PARAM, ...extra }),
  );
  return String(r.access_token);
}

export const isJwt = (token: string): boolean => token.split('.').length === 3;

/** oidc-provider picks the token format by resource indicator; Gatehouse by the app. */
export function opaqueExtra(ctx: ScenarioContext): Record<string, string> {
  const resource = ctx.target.info.opaqueResource;
  return typeof resource === 'string' ? { resource } : {};
}
