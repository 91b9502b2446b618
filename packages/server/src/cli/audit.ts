import { auditEventJson } from '../audit/wire.ts';
import { type Command, intOpt, stringOpt, UsageError } from './command.ts';
import { table } from './format.ts';

const list: Command = {
  name: 'audit list',
  summary: "A company's audit log (or the operator's), newest first: who did what, and when",
  usage: '(--company ID | --operator) [--action ACTION] [--target TARGET] [--limit N] [--cursor C]',
  help: [
    ['--company ID', "the company (a deleted company's log is kept, each event marked)"],
    ['--operator', 'instead, the events of no company: users, operator keys'],
    ['--action ACTION', 'only this action, e.g. app.created, app.secret_rotated, grant.revoked'],
    ['--target TARGET', 'only this target, e.g. app:app_123'],
    ['--limit N', 'events per page, 1 to 200 (default 50)'],
    ['--cursor C', 'the next-page cursor a previous call printed'],
  ],
  options: {
    company: { type: 'string' },
    operator: { type: 'boolean' },
    action: { type: 'string' },
    target: { type: 'string' },
    limit: { type: 'string' },
    cursor: { type: 'string' },
  },
  example: 'gatehouse audit list --company co_123 --action app.secret_rotated',
  async run(values, _positionals, ctx) {
    const named = stringOpt(values, 'company');
    if ((named === undefined) === (values.operator !== true))
      throw new UsageError('give exactly one of --company ID or --operator');
    const companyId = named ?? null;
    const action = stringOpt(values, 'action');
    const target = stringOpt(values, 'target');
    const cursor = stringOpt(values, 'cursor');
    const limit = intOpt(values, 'limit', 1, 200);
    const gh = await ctx.gatehouse();
    const page = await gh.audit.list(companyId, {
      ...(action !== undefined ? { action } : {}),
      ...(target !== undefined ? { target } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
      ...(limit !== undefined ? { limit } : {}),
    });
    // A company with no events at all is unknown (a deleted one keeps its log, so it has some).
    if (companyId !== null && page.items.length === 0 && cursor === undefined)
      await gh.companies.getCompany(companyId);
    const rows = page.items.map((e) => [e.createdAt.toISOString(), e.actor, e.action, e.target ?? '-']);
    return {
      json: {
        events: page.items.map(auditEventJson),
        next: page.next,
      },
      text: [
        table(['WHEN', 'ACTOR', 'ACTION', 'TARGET'], rows, 'No audit events match.'),
        ...(page.next ? ['', `More: --cursor ${page.next}`] : []),
      ].join('\n'),
    };
  },
};

export const auditCommands: Command[] = [list];
