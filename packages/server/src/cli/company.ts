import { PLANS } from '../companies/company-service.ts';
import { companyJson } from '../companies/wire.ts';
import { CLI_ACTOR, type Command, choiceOpt, requiredOpt, stringOpt, UsageError } from './command.ts';
import { summary, table } from './format.ts';

const create: Command = {
  name: 'company create',
  summary: 'Create a company (a tenant: it owns apps and grants access to its data)',
  usage: '--name NAME [--plan free|pro|enterprise] [--external-id ID]',
  help: [
    ['--name NAME', 'display name, 1 to 100 characters'],
    ['--plan PLAN', `one of ${PLANS.join(', ')} (default enterprise)`],
    ['--external-id ID', 'your own id for the company (unique among companies)'],
  ],
  options: { name: { type: 'string' }, plan: { type: 'string' }, 'external-id': { type: 'string' } },
  example: 'gatehouse company create --name "Acme Inc"',
  async run(values, _positionals, ctx) {
    const name = requiredOpt(values, 'name');
    const plan = choiceOpt(values, 'plan', PLANS);
    const externalId = stringOpt(values, 'external-id');
    const gh = await ctx.gatehouse();
    const company = await gh.companies.createCompany(
      { name, ...(plan ? { plan } : {}), ...(externalId !== undefined ? { externalId } : {}) },
      CLI_ACTOR,
    );
    return {
      json: companyJson(company),
      text: summary([
        ['Company created', company.id],
        ['Name', company.name],
        ['Plan', company.plan],
      ]),
    };
  },
};

const list: Command = {
  name: 'company list',
  summary: 'List every company',
  usage: '',
  help: [],
  options: {},
  example: 'gatehouse company list --json',
  async run(_values, _positionals, ctx) {
    const gh = await ctx.gatehouse();
    const companies = await gh.companies.listCompanies();
    return {
      json: { companies: companies.map(companyJson) },
      text: table(
        ['ID', 'NAME', 'PLAN', 'CREATED'],
        companies.map((c) => [c.id, c.name, c.plan, c.createdAt.toISOString()]),
        'No companies yet. Create one with: gatehouse company create --name NAME',
      ),
    };
  },
};

const update: Command = {
  name: 'company update',
  summary: 'Rename a company, change its plan (in effect at once) or its external id',
  usage: 'ID [--name NAME] [--plan free|pro|enterprise] [--external-id ID | --clear-external-id]',
  help: [
    ['--name NAME', 'the new display name'],
    ['--plan PLAN', `one of ${PLANS.join(', ')}: applies to the next authorization; grants given stay`],
    ['--external-id ID', 'your own id for the company (unique among companies)'],
    ['--clear-external-id', 'remove the external id'],
  ],
  options: {
    name: { type: 'string' },
    plan: { type: 'string' },
    'external-id': { type: 'string' },
    'clear-external-id': { type: 'boolean' },
  },
  positionals: ['ID'],
  example: 'gatehouse company update co_123 --plan pro',
  async run(values, positionals, ctx) {
    const name = stringOpt(values, 'name');
    const plan = choiceOpt(values, 'plan', PLANS);
    const externalId = values['clear-external-id'] === true ? null : stringOpt(values, 'external-id');
    if (values['clear-external-id'] === true && stringOpt(values, 'external-id') !== undefined)
      throw new UsageError('give --external-id or --clear-external-id, not both');
    if (name === undefined && plan === undefined && externalId === undefined)
      throw new UsageError('nothing to change: give --name, --plan, --external-id or --clear-external-id');
    const gh = await ctx.gatehouse();
    const company = await gh.companies.updateCompany(
      positionals[0] as string,
      {
        ...(name !== undefined ? { name } : {}),
        ...(plan !== undefined ? { plan } : {}),
        ...(externalId !== undefined ? { externalId } : {}),
      },
      CLI_ACTOR,
    );
    return {
      json: companyJson(company),
      text: summary([
        ['Company updated', company.id],
        ['Name', company.name],
        ['Plan', company.plan],
        ['External id', company.externalId ?? '-'],
      ]),
    };
  },
};

const remove: Command = {
  name: 'company delete',
  summary:
    'Delete a company, its apps, keys, webhooks and memberships; revoke what it granted; keep its audit log',
  usage: 'ID [--force]',
  help: [
    ['--force', 'delete even partner apps that other companies have granted (their grants are revoked)'],
  ],
  options: { force: { type: 'boolean' } },
  positionals: ['ID'],
  example: 'gatehouse company delete co_123',
  async run(values, positionals, ctx) {
    const id = positionals[0] as string;
    const force = values.force === true;
    const gh = await ctx.gatehouse();
    await gh.companyDeletion.delete(id, { force }, CLI_ACTOR);
    return { json: { id, deleted: true }, text: `Company ${id} deleted.` };
  },
};

export const companyCommands: Command[] = [create, list, update, remove];
