import { operatorKeyJson } from '../companies/wire.ts';
import { CLI_ACTOR, type Command, stringOpt } from './command.ts';
import { keyTable, summary } from './format.ts';

const KEY_WARNING = 'Store the operator key now: Gatehouse keeps only its hash and will not show it again.';

const create: Command = {
  name: 'operator-key create',
  summary: 'Create an operator API key (manages every company, user and membership) and print it once',
  usage: '[--name NAME]',
  help: [['--name NAME', 'what the key is for, 1 to 100 characters (default "Operator key")']],
  options: { name: { type: 'string' } },
  example: 'gatehouse operator-key create --name "SaaS backend"',
  async run(values, _positionals, ctx) {
    const name = stringOpt(values, 'name');
    const gh = await ctx.gatehouse();
    const { key, secret } = await gh.operatorKeys.create(name !== undefined ? { name } : {}, CLI_ACTOR);
    return {
      json: { ...operatorKeyJson(key), key: secret },
      text: [
        summary([
          ['Operator key created', key.id],
          ['Name', key.name],
          ['Key', secret],
        ]),
        '',
        'Use it as: Authorization: Bearer <key> on /api/v1 (see docs/management-api.md, "Operator API").',
        KEY_WARNING,
      ].join('\n'),
      warning: KEY_WARNING,
    };
  },
};

const list: Command = {
  name: 'operator-key list',
  summary: 'List the operator keys (never the keys themselves)',
  usage: '',
  help: [],
  options: {},
  example: 'gatehouse operator-key list --json',
  async run(_values, _positionals, ctx) {
    const gh = await ctx.gatehouse();
    const keys = await gh.operatorKeys.list();
    return {
      json: { operator_keys: keys.map(operatorKeyJson) },
      text: keyTable(keys, 'No operator keys. Create one with: gatehouse operator-key create'),
    };
  },
};

const revoke: Command = {
  name: 'operator-key revoke',
  summary: 'Revoke an operator key: it stops working at once',
  usage: 'ID',
  help: [],
  options: {},
  positionals: ['ID'],
  example: 'gatehouse operator-key revoke opk_123',
  async run(_values, positionals, ctx) {
    const id = positionals[0] as string;
    const gh = await ctx.gatehouse();
    await gh.operatorKeys.revoke(id, CLI_ACTOR);
    return { json: { id, revoked: true }, text: `Operator key ${id} revoked.` };
  },
};

export const operatorKeyCommands: Command[] = [create, list, revoke];
