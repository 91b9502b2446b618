import { adminKeyJson } from '../companies/wire.ts';
import { CLI_ACTOR, type Command, requiredOpt, stringOpt } from './command.ts';
import { keyTable, summary } from './format.ts';

const KEY_WARNING = 'Store the admin key now: Gatehouse keeps only its hash and will not show it again.';

const create: Command = {
  name: 'admin-key create',
  summary: 'Create an admin API key for a company and print it once',
  usage: '--company ID [--name NAME]',
  help: [
    ['--company ID', 'the company the key manages (it acts as an admin of it)'],
    ['--name NAME', 'what the key is for, 1 to 100 characters (default "Admin key")'],
  ],
  options: { company: { type: 'string' }, name: { type: 'string' } },
  example: 'gatehouse admin-key create --company co_123 --name "Terraform"',
  async run(values, _positionals, ctx) {
    const companyId = requiredOpt(values, 'company');
    const name = stringOpt(values, 'name');
    const gh = await ctx.gatehouse();
    const { key, secret } = await gh.adminKeys.create(
      { companyId, ...(name !== undefined ? { name } : {}) },
      CLI_ACTOR,
    );
    return {
      json: { ...adminKeyJson(key), key: secret },
      text: [
        summary([
          ['Admin key created', key.id],
          ['Company', key.companyId],
          ['Name', key.name],
          ['Key', secret],
        ]),
        '',
        'Use it as: Authorization: Bearer <key> on /api/v1 (see docs/management-api.md).',
        KEY_WARNING,
      ].join('\n'),
      warning: KEY_WARNING,
    };
  },
};

const list: Command = {
  name: 'admin-key list',
  summary: "List a company's admin keys (never the keys themselves)",
  usage: '--company ID',
  help: [['--company ID', 'the company']],
  options: { company: { type: 'string' } },
  example: 'gatehouse admin-key list --company co_123',
  async run(values, _positionals, ctx) {
    const companyId = requiredOpt(values, 'company');
    const gh = await ctx.gatehouse();
    await gh.companies.getCompany(companyId);
    const keys = await gh.adminKeys.list(companyId);
    return {
      json: { admin_keys: keys.map(adminKeyJson) },
      text: keyTable(keys, 'No admin keys. Create one with: gatehouse admin-key create --company ID'),
    };
  },
};

const revoke: Command = {
  name: 'admin-key revoke',
  summary: 'Revoke an admin key: it stops working at once',
  usage: 'ID',
  help: [],
  options: {},
  positionals: ['ID'],
  example: 'gatehouse admin-key revoke ak_123',
  async run(_values, positionals, ctx) {
    const id = positionals[0] as string;
    const gh = await ctx.gatehouse();
    // The operator names a key by id alone; the revocation itself is company-scoped.
    const key = await gh.adminKeys.revokeById(id, CLI_ACTOR);
    return { json: { id: key.id, revoked: true }, text: `Admin key ${key.id} revoked.` };
  },
};

export const adminKeyCommands: Command[] = [create, list, revoke];
