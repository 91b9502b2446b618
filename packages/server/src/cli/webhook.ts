import { WEBHOOK_EVENT_TYPES } from '../webhooks/webhook-service.ts';
import { attemptJson, deliveryJson, endpointJson } from '../webhooks/wire.ts';
import { CLI_ACTOR, type Command, intOpt, requiredOpt, stringOpt, UsageError } from './command.ts';
import { summary, table, when } from './format.ts';

const SECRET_WARNING =
  'Store the signing secret now: it is shown only once (Gatehouse keeps it sealed to sign deliveries).';

const create: Command = {
  name: 'webhook create',
  summary: 'Add a webhook endpoint to a company and print its signing secret once',
  usage: '--company ID --url URL --events a,b [--app ID] [--description TEXT]',
  help: [
    ['--company ID', 'the company whose events are sent'],
    ['--url URL', 'https endpoint (http only for localhost outside production)'],
    ['--events a,b', `comma-separated: ${WEBHOOK_EVENT_TYPES.join(', ')}, or * for all`],
    ['--app ID', 'only events about this app of the company'],
    ['--description TEXT', 'up to 200 characters'],
  ],
  options: {
    company: { type: 'string' },
    url: { type: 'string' },
    events: { type: 'string' },
    app: { type: 'string' },
    description: { type: 'string' },
  },
  example: 'gatehouse webhook create --company co_123 --url https://example.com/hooks --events "*"',
  async run(values, _positionals, ctx) {
    const companyId = requiredOpt(values, 'company');
    const url = requiredOpt(values, 'url');
    const events = requiredOpt(values, 'events')
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    if (events.length === 0) throw new UsageError('--events needs at least one event');
    const appId = stringOpt(values, 'app');
    const description = stringOpt(values, 'description');
    const gh = await ctx.gatehouse();
    await gh.companies.getCompany(companyId);
    const { endpoint, secret } = await gh.webhooks.create(
      { companyId, url, events, appId: appId ?? null, ...(description !== undefined ? { description } : {}) },
      CLI_ACTOR,
    );
    return {
      json: { ...endpointJson(endpoint), secret },
      text: [
        summary([
          ['Webhook endpoint', endpoint.id],
          ['URL', endpoint.url],
          ['Events', endpoint.events.join(', ')],
          ['Signing secret', secret],
        ]),
        '',
        SECRET_WARNING,
      ].join('\n'),
      warning: SECRET_WARNING,
    };
  },
};

const list: Command = {
  name: 'webhook list',
  summary: "List a company's webhook endpoints",
  usage: '--company ID',
  help: [['--company ID', 'the company']],
  options: { company: { type: 'string' } },
  example: 'gatehouse webhook list --company co_123',
  async run(values, _positionals, ctx) {
    const companyId = requiredOpt(values, 'company');
    const gh = await ctx.gatehouse();
    await gh.companies.getCompany(companyId);
    const endpoints = await gh.webhooks.list(companyId);
    return {
      json: { webhooks: endpoints.map(endpointJson) },
      text: table(
        ['ID', 'URL', 'EVENTS', 'APP', 'CREATED'],
        endpoints.map((e) => [e.id, e.url, e.events.join(','), e.appId ?? '-', when(e.createdAt)]),
        'No webhook endpoints. Add one with: gatehouse webhook create --company ID --url URL --events "*"',
      ),
    };
  },
};

const remove: Command = {
  name: 'webhook delete',
  summary: 'Delete a webhook endpoint and its pending deliveries',
  usage: 'ID --company ID',
  help: [['--company ID', 'the company the endpoint belongs to']],
  options: { company: { type: 'string' } },
  positionals: ['ID'],
  example: 'gatehouse webhook delete whe_123 --company co_123',
  async run(values, positionals, ctx) {
    const companyId = requiredOpt(values, 'company');
    const id = positionals[0] as string;
    const gh = await ctx.gatehouse();
    await gh.webhooks.delete(companyId, id, CLI_ACTOR);
    return { json: { id, deleted: true }, text: `Webhook endpoint ${id} deleted.` };
  },
};

const deliveries: Command = {
  name: 'webhook deliveries',
  summary: 'List deliveries to a company’s endpoints, newest first, with their attempts',
  usage: '--company ID [--endpoint ID] [--limit N] [--cursor C]',
  help: [
    ['--company ID', 'the company'],
    ['--endpoint ID', 'only deliveries to this endpoint'],
    ['--limit N', 'deliveries per page, 1 to 200 (default 50)'],
    ['--cursor C', 'the next-page cursor a previous call printed'],
  ],
  options: {
    company: { type: 'string' },
    endpoint: { type: 'string' },
    limit: { type: 'string' },
    cursor: { type: 'string' },
  },
  example: 'gatehouse webhook deliveries --company co_123 --json',
  async run(values, _positionals, ctx) {
    const companyId = requiredOpt(values, 'company');
    const endpointId = stringOpt(values, 'endpoint');
    const cursor = stringOpt(values, 'cursor');
    const limit = intOpt(values, 'limit', 1, 200);
    const gh = await ctx.gatehouse();
    await gh.companies.getCompany(companyId);
    const page = await gh.webhooks.deliveries(companyId, {
      ...(endpointId !== undefined ? { endpointId } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
      ...(limit !== undefined ? { limit } : {}),
    });
    const items = [];
    for (const d of page.items) {
      const attempts = await gh.webhooks.attempts(companyId, d.id);
      items.push({ ...deliveryJson(d), attempts: attempts.map(attemptJson) });
    }
    return {
      json: { deliveries: items, next: page.next },
      text: [
        table(
          ['ID', 'EVENT', 'STATUS', 'ATTEMPTS', 'LAST ERROR', 'CREATED'],
          page.items.map((d) => [
            d.id,
            d.eventType,
            d.status,
            String(d.attempts),
            d.lastError ?? '-',
            when(d.createdAt),
          ]),
          'No deliveries.',
        ),
        ...(page.next ? ['', `More: --cursor ${page.next}`] : []),
      ].join('\n'),
    };
  },
};

export const webhookCommands: Command[] = [create, list, remove, deliveries];
