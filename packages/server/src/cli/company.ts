import { PLANS } from '../companies/company-service.ts';
import { companyJson } from '../companies/wire.ts';
import { CLI_ACTOR, type Command, choiceOpt, requiredOpt } from './command.ts';
import { summary, table } from './format.ts';

const create: Command = {
  name: 'company create',
  summary: 'Create a company (a tenant: it owns apps and grants access to its data)',
  usage: '--name NAME [--plan free|pro|enterprise]',
  help: [
    ['--name NAME', 'display name, 1 to 100 characters'],
    ['--plan PLAN', `one of ${PLANS.join(', ')} (default enterprise)`],
  ],
  options: { name: { type: 'string' }, plan: { type: 'string' } },
  example: 'gatehouse company create --name "Acme Inc"',
  async run(values, _positionals, ctx) {
    const name = requiredOpt(values, 'name');
    const plan = choiceOpt(values, 'plan', PLANS);
    const gh = await ctx.gatehouse();
    const company = await gh.companies.createCompany({ name, ...(plan ? { plan } : {}) }, CLI_ACTOR);
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

export const companyCommands: Command[] = [create, list];
