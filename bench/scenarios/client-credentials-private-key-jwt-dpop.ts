import { randomUUID } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { HttpScenario, ScenarioContext } from '../lib/types.ts';
import {
  ASSERTIONS_PER_RUN,
  assertionRequests,
  type DecorateRequest,
  privateKeyJwtMissing,
} from './client-credentials-private-key-jwt.ts';
import { FORM_HEADERS, grantMissing, post, tokenPath } from './helpers.ts';

/** Why the target cannot bind tokens with DPoP (RFC 9449), from its metadata; undefined when it can. */
function dpopMissing(ctx: ScenarioContext): string | undefined {
  const algs = ctx.metadata?.dpop_signing_alg_values_supported;
  if (ctx.metadata === undefined || (Array.isArray(algs) && algs.includes('ES256'))) return undefined;
  return 'dpop_signing_alg_values_supported does not list ES256 in this build';
}

/**
 * A DPoP proof per request (RFC 9449 4.2): ES256, the public key embedded, `htm` POST, `htu` the
 * token URL, a fresh `jti`. Signed before the clock starts, like the assertions, so the run
 * measures the server's checks (two signatures, two single-use jti) and not the client's.
 */
async function dpopProofs(): Promise<DecorateRequest> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  return async (_i, tokenUrl) => ({
    headers: {
      DPoP: await new SignJWT({ htm: 'POST', htu: tokenUrl, jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
        .setIssuedAt()
        .sign(privateKey as CryptoKey),
    },
  });
}

/**
 * RFC 6749 4.4 with RFC 7523 client authentication and a DPoP-bound token (RFC 9449): the
 * private_key_jwt scenario with a DPoP proof on every request; the answer must be a DPoP token.
 */
export const clientCredentialsPrivateKeyJwtDpop: HttpScenario = {
  kind: 'http',
  name: 'client_credentials_private_key_jwt_dpop',
  title: 'client_credentials (private_key_jwt + DPoP)',
  targets: ['gatehouse', 'oidc-provider'],
  async unsupported(ctx) {
    return grantMissing(ctx, 'client_credentials') ?? privateKeyJwtMissing(ctx) ?? dpopMissing(ctx);
  },
  async prepare(ctx) {
    const { variants } = await assertionRequests(ctx, ASSERTIONS_PER_RUN + 1, await dpopProofs());
    const [first, ...rest] = variants;
    // One before the clock: the target answers a DPoP-bound token for it.
    const answer = await post(ctx, tokenPath(ctx), first!.headers!, first!.body!);
    if (typeof answer.access_token !== 'string') throw new Error(`${ctx.target.name} issued no access token`);
    if (String(answer.token_type).toLowerCase() !== 'dpop')
      throw new Error(`${ctx.target.name} answered token_type ${String(answer.token_type)}, not DPoP`);
    return { method: 'POST', path: tokenPath(ctx), headers: FORM_HEADERS, variants: rest, singleUse: true };
  },
};
