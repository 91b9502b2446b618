import { initialAccessTokenJson } from '../registration/wire.ts';
import { CLI_ACTOR, type Command, intOpt, listOpt, requiredOpt, stringOpt, UsageError } from './command.ts';
import { summary, table, when } from './format.ts';

const TOKEN_WARNING =
  'Store the initial access token now: Gatehouse keeps only its hash and will not show it again.';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `30d`, `12h`, `90m`, `3600s` or `3600` (seconds), as seconds. */
export function durationOpt(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d+)([smhd]?)$/.exec(raw.trim());
  if (!m) throw new UsageError(`--${flag} must be a duration such as 30d, 12h, 90m or 3600s, got "${raw}"`);
  return Number(m[1]) * (UNITS[m[2] || 's'] as number);
}

const create: Command = {
  name: 'initial-access-token create',
  summary: 'Create an initial access token for dynamic client registration (RFC 7591) and print it once',
  usage:
    '--company ID [--name NAME] [--scopes "a b"] [--grant-types a,b] [--redirect-uri-pattern P]... [--max-apps N] [--expires-in 30d]',
  help: [
    ['--company ID', 'the company whose apps it registers'],
    ['--name NAME', 'what it is for, 1 to 100 characters (default "Initial access token")'],
    ['--scopes "a b"', 'the scopes a registered app may hold (default: any of the catalog)'],
    ['--grant-types a,b', 'the grant types a registered app may use (default: any the server serves)'],
    [
      '--redirect-uri-pattern P',
      'repeatable: an exact redirect URI, or a prefix ending in /* (https://app.example/*); default: any valid one',
    ],
    ['--max-apps N', 'how many apps it may register, 1 to 10000 (default: no limit)'],
    ['--expires-in D', 'how long it works: 30d, 12h, 90m or seconds; at most 365d (default 30d)'],
  ],
  options: {
    company: { type: 'string' },
    name: { type: 'string' },
    scopes: { type: 'string' },
    'grant-types': { type: 'string' },
    'redirect-uri-pattern': { type: 'string', multiple: true },
    'max-apps': { type: 'string' },
    'expires-in': { type: 'string' },
  },
  example:
    'gatehouse initial-access-token create --company co_123 --scopes "users.read" --grant-types client_credentials --max-apps 5 --expires-in 7d',
  async run(values, _positionals, ctx) {
    const companyId = requiredOpt(values, 'company');
    const name = stringOpt(values, 'name');
    const scopes = stringOpt(values, 'scopes')?.split(' ').filter(Boolean);
    const grantTypes = stringOpt(values, 'grant-types')
      ?.split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    const patterns = listOpt(values, 'redirect-uri-pattern');
    const maxApps = intOpt(values, 'max-apps', 1, 10_000);
    const expiresIn = durationOpt(stringOpt(values, 'expires-in'), 'expires-in');
    const gh = await ctx.gatehouse();
    const { token, secret } = await gh.initialAccessTokens.create(
      {
        companyId,
        ...(name !== undefined ? { name } : {}),
        allowedScopes: scopes ?? null,
        allowedGrantTypes: grantTypes ?? null,
        redirectUriPatterns: patterns ?? null,
        maxApps: maxApps ?? null,
        ...(expiresIn !== undefined ? { expiresIn } : {}),
      },
      CLI_ACTOR,
    );
    return {
      json: { ...initialAccessTokenJson(token), token: secret },
      text: [
        summary([
          ['Initial access token created', token.id],
          ['Company', token.companyId],
          ['Name', token.name],
          ['Scopes', token.allowedScopes?.join(' ') ?? 'any'],
          ['Grant types', token.allowedGrantTypes?.join(', ') ?? 'any'],
          ['Redirect URIs', token.redirectUriPatterns?.join(' ') ?? 'any valid'],
          ['Max apps', token.maxApps === null ? 'no limit' : String(token.maxApps)],
          ['Expires', when(token.expiresAt)],
          ['Token', secret],
        ]),
        '',
        'Register with: POST /oauth2/register, Authorization: Bearer <token> (see docs/flows/registration.md).',
        TOKEN_WARNING,
      ].join('\n'),
      warning: TOKEN_WARNING,
    };
  },
};

const list: Command = {
  name: 'initial-access-token list',
  summary: "List a company's initial access tokens (never the tokens themselves)",
  usage: '--company ID',
  help: [['--company ID', 'the company']],
  options: { company: { type: 'string' } },
  example: 'gatehouse initial-access-token list --company co_123',
  async run(values, _positionals, ctx) {
    const companyId = requiredOpt(values, 'company');
    const gh = await ctx.gatehouse();
    await gh.companies.getCompany(companyId);
    const tokens = (await gh.initialAccessTokens.list(companyId)).map(initialAccessTokenJson);
    return {
      json: { initial_access_tokens: tokens },
      text: table(
        ['ID', 'NAME', 'LAST4', 'STATUS', 'APPS', 'EXPIRES'],
        tokens.map((t) => [
          t.id,
          t.name,
          t.last4,
          t.status,
          t.max_apps === null ? String(t.uses) : `${t.uses}/${t.max_apps}`,
          t.expires_at ?? 'never',
        ]),
        'No initial access tokens. Create one with: gatehouse initial-access-token create --company ID',
      ),
    };
  },
};

const revoke: Command = {
  name: 'initial-access-token revoke',
  summary: 'Revoke an initial access token: it registers no more apps (those it registered stay)',
  usage: 'ID',
  help: [],
  options: {},
  positionals: ['ID'],
  example: 'gatehouse initial-access-token revoke iat_123',
  async run(_values, positionals, ctx) {
    const id = positionals[0] as string;
    const gh = await ctx.gatehouse();
    const token = await gh.initialAccessTokens.revokeById(id, CLI_ACTOR);
    return { json: { id: token.id, revoked: true }, text: `Initial access token ${token.id} revoked.` };
  },
};

export const initialAccessTokenCommands: Command[] = [create, list, revoke];
