import type { Gatehouse } from '../gatehouse.ts';
import type { Role } from '../users/user-service.ts';
import { membershipJson, userJson } from '../users/wire.ts';
import { CLI_ACTOR, type Command, choiceOpt, requiredOpt, stringOpt, UsageError } from './command.ts';
import { summary, table } from './format.ts';

const ROLES = ['admin', 'member'] as const;

/** The password as piped in: one trailing newline (from `echo` or a file) is not part of it. */
export function passwordFromStdin(text: string): string {
  return text.replace(/\r?\n$/, '');
}

const create: Command = {
  name: 'user create',
  summary: 'Create a user who signs in to approve apps, with a membership in a company',
  usage: '--company ID --email EMAIL --password-stdin [--role admin|member] [--name NAME]',
  help: [
    ['--company ID', 'the company the user belongs to'],
    ['--email EMAIL', 'sign-in address (unique, case-insensitive)'],
    ['--password-stdin', 'read the password from standard input (never pass it as an argument)'],
    ['--role ROLE', 'admin (may approve and manage apps) or member (default)'],
    ['--name NAME', 'display name (default: the part of the address before @)'],
  ],
  options: {
    company: { type: 'string' },
    email: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    role: { type: 'string' },
    name: { type: 'string' },
  },
  example:
    'printf \'%s\' "$ADMIN_PASSWORD" | gatehouse user create --company co_123 --email ada@acme.test --password-stdin --role admin',
  async run(values, _positionals, ctx) {
    const companyId = requiredOpt(values, 'company');
    const email = requiredOpt(values, 'email');
    const role: Role = choiceOpt(values, 'role', ROLES) ?? 'member';
    const name = stringOpt(values, 'name');
    if (values['password-stdin'] !== true)
      throw new UsageError(
        '--password-stdin is required: pipe the password in, so it stays out of your shell history',
      );
    const password = passwordFromStdin(await ctx.readStdin());
    const gh = await ctx.gatehouse();
    const user = await gh.companies.createUser(
      { email, password, companyId, role, ...(name !== undefined ? { name } : {}) },
      CLI_ACTOR,
    );
    // The address is not verified yet: a link to confirm it goes out by SMTP_URL. Without it
    // the CLI has no log to write the mail to; the person can ask for a link once signed in.
    const mailed = gh.mailer.logOnly ? undefined : await gh.emailVerification.send(user);
    return {
      json: { ...userJson(user), membership: { company_id: companyId, role } },
      text: summary([
        ['User created', user.id],
        ['Email', user.email],
        ['Name', user.name],
        ['Company', `${companyId} (${role})`],
        [
          'Verification',
          mailed === undefined
            ? 'no link mailed (SMTP_URL is not set)'
            : mailed
              ? `link mailed to ${user.email}`
              : 'not needed',
        ],
      ]),
    };
  },
};

async function findUser(gh: Gatehouse, values: Record<string, unknown>) {
  const id = typeof values.user === 'string' ? values.user : undefined;
  const email = typeof values.email === 'string' ? values.email : undefined;
  if ((id === undefined) === (email === undefined))
    throw new UsageError('give exactly one of --user ID or --email EMAIL');
  return gh.users.find(id !== undefined ? { id } : { email: email as string });
}

const addMembership: Command = {
  name: 'user add-membership',
  summary: 'Give a user a role in a company (or change the role they have)',
  usage: '(--user ID | --email EMAIL) --company ID [--role admin|member]',
  help: [
    ['--user ID', 'the user, by id'],
    ['--email EMAIL', 'or the user, by sign-in address'],
    ['--company ID', 'the company'],
    ['--role ROLE', 'admin or member (default member)'],
  ],
  options: {
    user: { type: 'string' },
    email: { type: 'string' },
    company: { type: 'string' },
    role: { type: 'string' },
  },
  example: 'gatehouse user add-membership --email ada@acme.test --company co_456 --role admin',
  async run(values, _positionals, ctx) {
    const companyId = requiredOpt(values, 'company');
    const role: Role = choiceOpt(values, 'role', ROLES) ?? 'member';
    const gh = await ctx.gatehouse();
    const user = await findUser(gh, values);
    const membership = await gh.companies.addMembership(user.id, companyId, role, CLI_ACTOR);
    return {
      json: membershipJson(membership),
      text: `${user.email} is now ${role} of ${companyId}.`,
    };
  },
};

const list: Command = {
  name: 'user list',
  summary: 'List the members of a company',
  usage: '--company ID',
  help: [['--company ID', 'the company']],
  options: { company: { type: 'string' } },
  example: 'gatehouse user list --company co_123',
  async run(values, _positionals, ctx) {
    const companyId = requiredOpt(values, 'company');
    const gh = await ctx.gatehouse();
    await gh.companies.getCompany(companyId);
    const rows = (await gh.users.members(companyId)).map((m) => ({ ...userJson(m.user), role: m.role }));
    return {
      json: { users: rows },
      text: table(
        ['ID', 'EMAIL', 'NAME', 'ROLE'],
        rows.map((u) => [u.id, u.email, u.name, u.role]),
        'No members in this company.',
      ),
    };
  },
};

export const userCommands: Command[] = [create, addMembership, list];
