import { membershipJson } from '../users/wire.ts';
import { CLI_ACTOR, type Command, choiceOpt, requiredOpt } from './command.ts';

const ROLES = ['admin', 'member'] as const;

const who: Array<[string, string]> = [
  ['--user ID', 'the user, by id'],
  ['--company ID', 'the company'],
];
const ids = { user: { type: 'string' }, company: { type: 'string' } } as const;

const add: Command = {
  name: 'membership add',
  summary: 'Add a user to a company with a role (fails if they already belong to it)',
  usage: '--user ID --company ID [--role admin|member]',
  help: [...who, ['--role ROLE', 'admin or member (default member)']],
  options: { ...ids, role: { type: 'string' } },
  example: 'gatehouse membership add --user usr_123 --company co_456 --role admin',
  async run(values, _positionals, ctx) {
    const userId = requiredOpt(values, 'user');
    const companyId = requiredOpt(values, 'company');
    const role = choiceOpt(values, 'role', ROLES) ?? 'member';
    const gh = await ctx.gatehouse();
    const m = await gh.memberships.add(userId, companyId, role, CLI_ACTOR);
    return { json: membershipJson(m), text: `${userId} is now ${role} of ${companyId}.` };
  },
};

const setRole: Command = {
  name: 'membership set-role',
  summary: "Change a member's role; the company's last admin cannot be demoted",
  usage: '--user ID --company ID --role admin|member',
  help: [...who, ['--role ROLE', 'admin or member']],
  options: { ...ids, role: { type: 'string' } },
  example: 'gatehouse membership set-role --user usr_123 --company co_456 --role member',
  async run(values, _positionals, ctx) {
    const userId = requiredOpt(values, 'user');
    const companyId = requiredOpt(values, 'company');
    const role = choiceOpt(values, 'role', ROLES) ?? (requiredOpt(values, 'role') as never);
    const gh = await ctx.gatehouse();
    const m = await gh.memberships.setRole(userId, companyId, role, CLI_ACTOR);
    return { json: membershipJson(m), text: `${userId} is now ${role} of ${companyId}.` };
  },
};

const remove: Command = {
  name: 'membership remove',
  summary: "Remove a user from a company; the role's rights end at once; never the last admin",
  usage: '--user ID --company ID',
  help: who,
  options: ids,
  example: 'gatehouse membership remove --user usr_123 --company co_456',
  async run(values, _positionals, ctx) {
    const userId = requiredOpt(values, 'user');
    const companyId = requiredOpt(values, 'company');
    const gh = await ctx.gatehouse();
    await gh.memberships.remove(userId, companyId, CLI_ACTOR);
    return {
      json: { user_id: userId, company_id: companyId, removed: true },
      text: `${userId} no longer belongs to ${companyId}.`,
    };
  },
};

export const membershipCommands: Command[] = [add, setRole, remove];
