import { randomUUID } from 'node:crypto';
import { type CryptoKey, importJWK, type JWK, SignJWT } from 'jose';
import { BENCH_SCOPE_PARAM } from '../lib/constants.ts';
import type { HttpScenario, LoadSpec, ScenarioContext } from '../lib/types.ts';
import { FORM_HEADERS, form, grantMissing, post, tokenPath } from './helpers.ts';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/**
 * Assertions one run sends, each once (a jti is single use); signed before the clock starts,
 * valid 5 minutes (the most Gatehouse accepts), so a run must send them all within that.
 */
export const ASSERTIONS_PER_RUN = 10_000;

/** The private_key_jwt client a target registered at start: its id and its private key (bench only). */
interface KeyedClient {
  clientId: string;
  privateJwk: JWK;
}

function keyedClient(ctx: ScenarioContext): KeyedClient {
  const c = (ctx.target.info.clients as Record<string, KeyedClient | undefined> | undefined)?.keyed;
  if (!c) throw new Error(`${ctx.target.name} registered no private_key_jwt client`);
  return c;
}

/** One request's extras beside its assertion: a DPoP proof header, for instance (RFC 9449). */
export type DecorateRequest = (
  i: number,
  tokenUrl: string,
) => Promise<{ headers?: Record<string, string>; fields?: Record<string, string> }>;

/**
 * `count` client_credentials requests, each authenticated with its own private_key_jwt
 * assertion (ES256, unique jti, aud the issuer, exp 5 minutes ahead). `decorate` adds what a
 * variant of the scenario needs per request (a DPoP proof; the token URL is what it signs).
 */
export async function assertionRequests(
  ctx: ScenarioContext,
  count: number,
  decorate?: DecorateRequest,
): Promise<{ variants: NonNullable<LoadSpec['variants']>; key: CryptoKey }> {
  const { clientId, privateJwk } = keyedClient(ctx);
  const key = (await importJWK(privateJwk, 'ES256')) as CryptoKey;
  const issuer = String(ctx.metadata?.issuer ?? ctx.target.url);
  const tokenUrl = `${ctx.target.url}${tokenPath(ctx)}`;
  const variants: NonNullable<LoadSpec['variants']> = [];
  for (let i = 0; i < count; i++) {
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: String(privateJwk.kid) })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(issuer)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
    const extra = decorate ? await decorate(i, tokenUrl) : {};
    variants.push({
      body: form({
        grant_type: 'client_credentials',
        scope: BENCH_SCOPE_PARAM,
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion,
        ...extra.fields,
      }),
      headers: { ...FORM_HEADERS, ...extra.headers },
    });
  }
  return { variants, key };
}

/** Why the target cannot authenticate with private_key_jwt, from its metadata; undefined when it can. */
export function privateKeyJwtMissing(ctx: ScenarioContext): string | undefined {
  const methods = ctx.metadata?.token_endpoint_auth_methods_supported;
  if (ctx.metadata === undefined || (Array.isArray(methods) && methods.includes('private_key_jwt')))
    return undefined;
  return 'token_endpoint_auth_methods_supported does not list private_key_jwt in this build';
}

/**
 * RFC 6749 4.4 with RFC 7523 client authentication: every request carries a fresh ES256
 * client assertion, so each costs a signature check and a jti write (the replay check) on top
 * of the token itself. The assertions are signed before the clock starts.
 */
export const clientCredentialsPrivateKeyJwt: HttpScenario = {
  kind: 'http',
  name: 'client_credentials_private_key_jwt',
  title: 'client_credentials (private_key_jwt)',
  targets: ['gatehouse', 'oidc-provider'],
  async unsupported(ctx) {
    return grantMissing(ctx, 'client_credentials') ?? privateKeyJwtMissing(ctx);
  },
  async prepare(ctx) {
    const { variants } = await assertionRequests(ctx, ASSERTIONS_PER_RUN + 1);
    const [first, ...rest] = variants;
    // One before the clock: the target answers a token for it.
    const answer = await post(ctx, tokenPath(ctx), first!.headers!, first!.body!);
    if (typeof answer.access_token !== 'string') throw new Error(`${ctx.target.name} issued no access token`);
    return { method: 'POST', path: tokenPath(ctx), headers: FORM_HEADERS, variants: rest, singleUse: true };
  },
};
