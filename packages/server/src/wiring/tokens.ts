import type { AppService } from '../apps/app-service.ts';
import { JwsSigner } from '../keys/jws.ts';
import type { ResourceIndicators } from '../oauth/resources.ts';
import { IdTokenIssuer } from '../tokens/id-token.ts';
import { RevocationFeed } from '../tokens/revocation-feed.ts';
import { RevocationIndex } from '../tokens/revocation-index.ts';
import { TokenInspector } from '../tokens/token-inspector.ts';
import { TokenIssuer } from '../tokens/token-issuer.ts';
import type { Shared } from './shared.ts';

/**
 * Tokens: the signer every issuer shares, the access-token and id_token issuers, the revocation
 * feed and its index in memory, and the inspector that finds presented tokens (revoke,
 * introspect, token exchange). The feed subscribes to the invalidation bus, after the app cache.
 */
export function wireTokens(
  { config, storage, bus, keys, log }: Shared,
  { apps, resources }: { apps: AppService; resources: ResourceIndicators },
) {
  const signer = new JwsSigner();
  const tokens = new TokenIssuer(keys, signer, config.issuer, config.audience, storage);
  const idTokens = new IdTokenIssuer(keys, signer, config.issuer);
  const revocationFeed = new RevocationFeed(storage, bus, log);
  // Before the token endpoint: token exchange checks subject tokens through it.
  const revocationIndex = new RevocationIndex(storage, {
    pollMs: config.invalidationPollMs,
    ...(log ? { log } : {}),
  });
  const tokenInspector = new TokenInspector({
    storage,
    revocations: revocationIndex,
    apps,
    keys,
    issuer: config.issuer,
    audience: config.audience,
    resourceAudiences: resources.uris,
  });
  return { signer, tokens, idTokens, revocationFeed, revocationIndex, tokenInspector };
}
