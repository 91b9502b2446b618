import { Type } from '@sinclair/typebox';
import { WEBHOOK_EVENT_TYPES } from '../../webhooks/webhook-service.ts';
import { attemptJson, deliveryJson, endpointJson } from '../../webhooks/wire.ts';
import { type ApiRoute, route } from './route.ts';
import { DateTime, Id, IdParams, NullableDateTime, PageOf, PageQuery } from './schemas.ts';

const endpointProps = {
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  app_id: Type.Union([Type.String(), Type.Null()]),
  description: Type.String(),
  secret_last4: Type.String({ description: 'the signing secret itself is shown only at creation' }),
  created_at: DateTime,
  disabled_at: NullableDateTime,
};
const EndpointView = Type.Object(endpointProps, { description: 'A webhook endpoint' });
const EndpointWithSecret = Type.Object(
  { ...endpointProps, secret: Type.String({ description: 'Standard Webhooks signing secret, shown once' }) },
  { description: 'A new webhook endpoint with its signing secret' },
);

const deliveryProps = {
  id: Type.String({ description: 'also the webhook-id header, stable across retries' }),
  endpoint_id: Type.String(),
  event_type: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempt_count: Type.Integer(),
  next_attempt_at: DateTime,
  last_error: Type.Union([Type.String(), Type.Null()]),
  created_at: DateTime,
  delivered_at: NullableDateTime,
};
const DeliveryView = Type.Object(deliveryProps);
const AttemptView = Type.Object({
  id: Type.String(),
  attempted_at: DateTime,
  status_code: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  duration_ms: Type.Integer(),
});
const DeliveryDetail = Type.Object(
  {
    ...deliveryProps,
    payload: Type.String({ description: 'the exact JSON body sent on every attempt' }),
    attempts: Type.Array(AttemptView, { description: 'oldest first' }),
  },
  { description: 'A delivery with its payload and every attempt' },
);

const EventName = Type.String({
  minLength: 1,
  maxLength: 100,
  description: `one of ${WEBHOOK_EVENT_TYPES.join(', ')}, or * for all`,
});

export const webhookRoutes: ApiRoute[] = [
  route({
    method: 'GET',
    url: '/webhooks',
    operationId: 'listWebhookEndpoints',
    summary: "The company's webhook endpoints, newest first",
    tag: 'webhooks',
    schema: { response: { 200: Type.Object({ items: Type.Array(EndpointView) }) } },
    errors: [],
    async handler({ gh, caller }) {
      return { items: (await gh.webhooks.list(caller.companyId)).map(endpointJson) };
    },
  }),
  route({
    method: 'POST',
    url: '/webhooks',
    operationId: 'createWebhookEndpoint',
    summary: 'Add a webhook endpoint; the response carries its signing secret, once',
    tag: 'webhooks',
    schema: {
      body: Type.Object(
        {
          url: Type.String({
            minLength: 1,
            maxLength: 2000,
            description: 'https (http only for localhost in development)',
          }),
          events: Type.Array(EventName, { minItems: 1, maxItems: 20 }),
          app_id: Type.Optional(Id('only events about this app of the company')),
          description: Type.Optional(Type.String({ maxLength: 200 })),
        },
        { additionalProperties: false },
      ),
      response: { 201: EndpointWithSecret },
    },
    errors: [400, 403],
    async handler({ gh, caller, body, reply }) {
      const { endpoint, secret } = await gh.webhooks.create(
        {
          companyId: caller.companyId,
          url: body.url,
          events: body.events,
          appId: body.app_id ?? null,
          ...(body.description !== undefined ? { description: body.description } : {}),
        },
        caller.actor,
      );
      reply.code(201).header('Location', `/api/v1/webhooks/${endpoint.id}`);
      return { ...endpointJson(endpoint), secret };
    },
  }),
  route({
    method: 'GET',
    url: '/webhooks/:id',
    operationId: 'getWebhookEndpoint',
    summary: 'One webhook endpoint (without its secret)',
    tag: 'webhooks',
    schema: { params: IdParams('webhook endpoint'), response: { 200: EndpointView } },
    errors: [400, 404],
    async handler({ gh, caller, params }) {
      return endpointJson(await gh.webhooks.get(caller.companyId, params.id));
    },
  }),
  route({
    method: 'DELETE',
    url: '/webhooks/:id',
    operationId: 'deleteWebhookEndpoint',
    summary: 'Delete a webhook endpoint and its pending deliveries',
    tag: 'webhooks',
    schema: { params: IdParams('webhook endpoint'), response: { 204: null } },
    errors: [400, 403, 404],
    async handler({ gh, caller, params, reply }) {
      await gh.webhooks.delete(caller.companyId, params.id, caller.actor);
      reply.code(204);
      return null;
    },
  }),
  route({
    method: 'GET',
    url: '/webhook-deliveries',
    operationId: 'listWebhookDeliveries',
    summary: 'Deliveries to the company’s endpoints, newest first',
    tag: 'webhooks',
    schema: {
      querystring: Type.Object(
        {
          ...PageQuery,
          endpoint_id: Type.Optional(Id('only deliveries to this endpoint')),
          status: Type.Optional(
            Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
          ),
        },
        { additionalProperties: false },
      ),
      response: { 200: PageOf(DeliveryView, 'A page of deliveries') },
    },
    errors: [400],
    async handler({ gh, caller, query }) {
      const page = await gh.webhooks.deliveries(caller.companyId, {
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        ...(query.endpoint_id !== undefined ? { endpointId: query.endpoint_id } : {}),
        ...(query.status !== undefined ? { status: query.status } : {}),
      });
      return { items: page.items.map(deliveryJson), next: page.next };
    },
  }),
  route({
    method: 'GET',
    url: '/webhook-deliveries/:id',
    operationId: 'getWebhookDelivery',
    summary: 'One delivery with its payload and attempts',
    tag: 'webhooks',
    schema: { params: IdParams('delivery'), response: { 200: DeliveryDetail } },
    errors: [400, 404],
    async handler({ gh, caller, params }) {
      const { delivery, attempts } = await gh.webhooks.delivery(caller.companyId, params.id);
      return { ...deliveryJson(delivery), payload: delivery.payload, attempts: attempts.map(attemptJson) };
    },
  }),
];
