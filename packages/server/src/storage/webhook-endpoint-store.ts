import type { MutationOptions } from './common.ts';
import type { WebhookEndpoint } from './types.ts';

/** Where a company wants to hear of events: its webhook endpoints. */
export interface WebhookEndpointStore {
  createWebhookEndpoint(
    endpoint: Omit<WebhookEndpoint, 'createdAt' | 'disabledAt'>,
    opts?: MutationOptions,
  ): Promise<WebhookEndpoint>;
  /** Newest first. */
  listWebhookEndpoints(companyId: string): Promise<WebhookEndpoint[]>;
  /** Undefined for another company's endpoint. */
  getWebhookEndpoint(companyId: string, id: string): Promise<WebhookEndpoint | undefined>;
  /** Unscoped, for the delivery worker. */
  getWebhookEndpointById(id: string): Promise<WebhookEndpoint | undefined>;
  /** Atomic: deletes the endpoint with its deliveries. False when not this company's. */
  deleteWebhookEndpoint(companyId: string, id: string, opts?: MutationOptions): Promise<boolean>;
}
