import { NotFoundError } from '../errors.ts';
import { invalidInput } from '../i18n/invalid-input.ts';
import type { Text } from '../i18n/translator.ts';
import type { AppStore, DeliveryFilter, WebhookEndpointStore, WebhookOutbox } from '../storage/storage.ts';
import {
  type Page,
  WEBHOOK_EVENT_TYPES,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '../storage/types.ts';
import { newId } from '../util/random.ts';
import { redactAddresses } from './delivery-error.ts';
import { newWebhookSecret } from './signing.ts';

export type { WebhookAttempt, WebhookDelivery, WebhookEndpoint };
export { WEBHOOK_EVENT_TYPES };

export interface WebhookEndpointInput {
  companyId: string;
  url: string;
  events: string[];
  appId?: string | null;
  description?: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** localhost, a name under .localhost (RFC 6761 6.3: always loopback), 127.0.0.1 or [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(h) || h.endsWith('.localhost');
}

/** What tenants see of a delivery: its error without addresses (see delivery-error.ts). */
const shownDelivery = (d: WebhookDelivery): WebhookDelivery =>
  d.lastError === null ? d : { ...d, lastError: redactAddresses(d.lastError) };

/** Webhook endpoints of a company (or of one of its partner apps) and their deliveries. */
export class WebhookService {
  constructor(
    private readonly storage: WebhookEndpointStore & WebhookOutbox & Pick<AppStore, 'getApp'>,
    private readonly opts: { production: boolean; sealSecret(secret: string): Promise<string> },
  ) {}

  /** Creates an endpoint. The signing secret is returned this once; later only its last four. */
  async create(
    input: WebhookEndpointInput,
    actor: string,
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const fields: Record<string, Text> = {};
    const url = this.urlProblem(input.url);
    if (url) fields.url = url;
    const events = [...new Set(input.events)];
    if (events.length === 0) fields.events = { key: 'webhook.invalid.no_events' };
    const unknown = events.find((e) => e !== '*' && !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(e));
    if (unknown !== undefined)
      fields.events = {
        key: 'webhook.invalid.unknown_event',
        vars: { event: unknown, known: WEBHOOK_EVENT_TYPES.join(', ') },
      };
    const description = (input.description ?? '').trim();
    if (description.length > 200) fields.description = { key: 'webhook.invalid.description' };
    if (input.appId) {
      const app = await this.storage.getApp(input.companyId, input.appId);
      if (!app) fields.appId = { key: 'webhook.invalid.app' };
    }
    if (Object.keys(fields).length > 0) throw invalidInput(fields);
    const secret = newWebhookSecret();
    const id = newId('whe');
    const endpoint = await this.storage.createWebhookEndpoint(
      {
        id,
        companyId: input.companyId,
        appId: input.appId ?? null,
        url: input.url,
        events,
        description,
        secretEncrypted: await this.opts.sealSecret(secret),
        secretLast4: secret.slice(-4),
      },
      {
        audit: {
          companyId: input.companyId,
          actor,
          action: 'webhook.created',
          target: `webhook:${id}`,
          data: { url: input.url, events },
        },
      },
    );
    return { endpoint, secret };
  }

  list(companyId: string): Promise<WebhookEndpoint[]> {
    return this.storage.listWebhookEndpoints(companyId);
  }

  async get(companyId: string, id: string): Promise<WebhookEndpoint> {
    const e = await this.storage.getWebhookEndpoint(companyId, id);
    if (!e) throw new NotFoundError('webhook endpoint');
    return e;
  }

  async delete(companyId: string, id: string, actor: string): Promise<void> {
    const ok = await this.storage.deleteWebhookEndpoint(companyId, id, {
      audit: { companyId, actor, action: 'webhook.deleted', target: `webhook:${id}`, data: {} },
    });
    if (!ok) throw new NotFoundError('webhook endpoint');
  }

  async deliveries(companyId: string, filter: DeliveryFilter = {}): Promise<Page<WebhookDelivery>> {
    const page = await this.storage.listWebhookDeliveries(companyId, filter);
    return { ...page, items: page.items.map(shownDelivery) };
  }

  /** A delivery with its attempts, oldest attempt first. NotFound for another company's. */
  async delivery(
    companyId: string,
    deliveryId: string,
  ): Promise<{ delivery: WebhookDelivery; attempts: WebhookAttempt[] }> {
    const delivery = await this.storage.getWebhookDelivery(companyId, deliveryId);
    if (!delivery) throw new NotFoundError('webhook delivery');
    return { delivery: shownDelivery(delivery), attempts: await this.attempts(companyId, deliveryId) };
  }

  async attempts(companyId: string, deliveryId: string): Promise<WebhookAttempt[]> {
    const attempts = await this.storage.listWebhookAttempts(companyId, deliveryId);
    return attempts.map((a) => (a.error === null ? a : { ...a, error: redactAddresses(a.error) }));
  }

  /** https only in production; http also for loopback hosts in development. */
  private urlProblem(raw: string): Text | undefined {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      return { key: 'webhook.invalid.url' };
    }
    if (raw.length > 2000) return { key: 'webhook.invalid.url_long' };
    if (u.username || u.password) return { key: 'webhook.invalid.url_credentials' };
    if (u.hash) return { key: 'webhook.invalid.url_fragment' };
    if (u.protocol === 'https:') return undefined;
    if (u.protocol === 'http:' && !this.opts.production && isLoopbackHost(u.hostname)) return undefined;
    return { key: this.opts.production ? 'webhook.invalid.url_https' : 'webhook.invalid.url_https_dev' };
  }
}
