import { openSecret, sealSecret } from '../keys/crypto.ts';
import type { JwsSigner } from '../keys/jws.ts';
import { LogoutTokenIssuer } from '../tokens/logout-token.ts';
import { BackchannelLogoutDispatcher } from '../webhooks/backchannel-dispatcher.ts';
import { WebhookDispatcher } from '../webhooks/dispatcher.ts';
import { WebhookService } from '../webhooks/webhook-service.ts';
import type { Shared } from './shared.ts';

/**
 * What leaves through the outboxes: webhook subscriptions and their dispatcher, and the
 * back-channel logouts (docs/flows/logout.md). Both dispatchers run only when webhooks are enabled.
 */
export function wireOutbox(
  { config, storage, keys, log, metrics, secretKey }: Shared,
  { signer }: { signer: JwsSigner },
) {
  const webhooks = new WebhookService(storage, {
    production: config.production,
    sealSecret: (secret) => sealSecret(secret, secretKey),
  });
  const webhookDispatcher = new WebhookDispatcher(storage, {
    pollMs: config.webhooks.pollMs,
    timeoutMs: config.webhooks.timeoutMs,
    policy: config.webhooks.network,
    retryScheduleSeconds: config.webhooks.retryScheduleSeconds,
    concurrency: 8,
    openSecret: (sealed) => openSecret(sealed, secretKey),
    ...(log ? { log } : {}),
    metrics,
  });
  const backchannelLogouts = new BackchannelLogoutDispatcher(
    storage,
    new LogoutTokenIssuer(keys, signer, config.issuer),
    {
      pollMs: config.webhooks.pollMs,
      timeoutMs: config.webhooks.timeoutMs,
      policy: config.webhooks.network,
      retryScheduleSeconds: config.webhooks.retryScheduleSeconds,
      concurrency: 8,
      ...(log ? { log } : {}),
    },
  );
  return { webhooks, webhookDispatcher, backchannelLogouts };
}
