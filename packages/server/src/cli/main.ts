import { parseArgs } from 'node:util';
import { DomainError, InvalidCursor, ValidationError } from '../errors.ts';
import type { Gatehouse } from '../gatehouse.ts';
import { VERSION } from '../version.ts';
import { adminKeyCommands } from './admin-key.ts';
import { appCommands } from './app.ts';
import { auditCommands } from './audit.ts';
import { type Command, type CommandContext, type Output, UsageError } from './command.ts';
import { companyCommands } from './company.ts';
import { initialAccessTokenCommands } from './initial-access-token.ts';
import { keyCommands } from './keys.ts';
import { membershipCommands } from './membership.ts';
import { migrateCommands } from './migrate.ts';
import { operatorKeyCommands } from './operator-key.ts';
import { serveCommands } from './serve.ts';
import { userCommands } from './user.ts';
import { userLifecycleCommands } from './user-lifecycle.ts';
import { webhookCommands } from './webhook.ts';

/** Every command, in the order --help lists them. */
export const COMMANDS: Command[] = [
  ...serveCommands,
  ...migrateCommands,
  ...companyCommands,
  ...appCommands,
  ...userCommands,
  ...userLifecycleCommands,
  ...membershipCommands,
  ...keyCommands,
  ...adminKeyCommands,
  ...initialAccessTokenCommands,
  ...operatorKeyCommands,
  ...auditCommands,
  ...webhookCommands,
];

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<string>;
}

const processIo: Io = {
  stdout: (t) => process.stdout.write(`${t}\n`),
  stderr: (t) => process.stderr.write(`${t}\n`),
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

function version(): string {
  return VERSION;
}

function toolHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'gatehouse: operate a Gatehouse OAuth 2.0 authorization server',
    '',
    'Usage: gatehouse <command> [options] [--json]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'Every command accepts --json (print one JSON object) and --help.',
    'The database comes from DATABASE_URL (postgres://... or sqlite:PATH; default ./data/gatehouse.db),',
    'the same setting the server reads. See docs/cli.md and docs/configuration.md.',
  ].join('\n');
}

export function commandHelp(cmd: Command): string {
  const lines = [cmd.summary, '', `Usage: gatehouse ${cmd.name}${cmd.usage ? ` ${cmd.usage}` : ''} [--json]`];
  const help: Array<[string, string]> = [...cmd.help, ['--json', 'print one JSON object instead of text']];
  const w = Math.max(...help.map(([f]) => f.length));
  lines.push('', 'Options:', ...help.map(([f, d]) => `  ${f.padEnd(w)}  ${d}`));
  if (cmd.example) lines.push('', 'Example:', `  ${cmd.example}`);
  return lines.join('\n');
}

function groupHelp(group: string, cmds: Command[]): string {
  const w = Math.max(...cmds.map((c) => c.name.length));
  return [
    `Usage: gatehouse ${group} <command> [options]`,
    '',
    ...cmds.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    `Run "gatehouse ${group} <command> --help" for a command's options.`,
  ].join('\n');
}

/** Runs the CLI on `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const json = argv.includes('--json');
  let helpHint = 'gatehouse --help';
  let gatehouse: Promise<Gatehouse> | undefined;
  try {
    const [first, second] = argv;
    if (first === undefined) {
      io.stderr(toolHelp());
      return 2;
    }
    if (first === '--help' || first === '-h' || first === 'help') {
      io.stdout(toolHelp());
      return 0;
    }
    if (first === '--version' || first === '-v') {
      io.stdout(json ? JSON.stringify({ version: version() }) : version());
      return 0;
    }
    const cmd =
      COMMANDS.find((c) => c.name === `${first} ${second}`) ?? COMMANDS.find((c) => c.name === first);
    if (!cmd) {
      const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
      if (group.length === 0) throw new UsageError(`unknown command "${first}"`);
      helpHint = `gatehouse ${first} --help`;
      if (second === undefined || second === '--help' || second === '-h') {
        (second === undefined ? io.stderr : io.stdout)(groupHelp(first, group));
        return second === undefined ? 2 : 0;
      }
      throw new UsageError(`unknown command "${first} ${second}"`);
    }
    helpHint = `gatehouse ${cmd.name} --help`;
    const rest = argv.slice(cmd.name.split(' ').length);
    const { values, positionals } = parseCommandArgs(cmd, rest);
    if (values.help === true) {
      io.stdout(commandHelp(cmd));
      return 0;
    }
    const ctx: CommandContext = {
      gatehouse: () => {
        gatehouse ??= openGatehouse();
        return gatehouse;
      },
      readStdin: io.readStdin,
    };
    const out = await cmd.run(values, positionals, ctx);
    print(io, out, json);
    return 0;
  } catch (err) {
    return reportError(io, err, json, helpHint);
  } finally {
    if (gatehouse) await gatehouse.then((gh) => gh.close()).catch(() => {});
  }
}

/**
 * Loaded on first use: storage drivers and the server take a second to import, and
 * --help or a usage error should not wait for them.
 */
async function openGatehouse(): Promise<Gatehouse> {
  const [{ loadConfig }, { Gatehouse }] = await Promise.all([
    import('../config/index.ts'),
    import('../gatehouse.ts'),
  ]);
  return Gatehouse.open(loadConfig());
}

function parseCommandArgs(cmd: Command, args: string[]) {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: { ...cmd.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    // node:util reports unknown flags, missing values and the like as ERR_PARSE_ARGS_*.
    throw new UsageError((err as Error).message);
  }
  const expected = cmd.positionals ?? [];
  if (parsed.values.help !== true && parsed.positionals.length !== expected.length) {
    throw new UsageError(
      expected.length === 0
        ? `unexpected argument "${parsed.positionals[0]}"`
        : parsed.positionals.length < expected.length
          ? `missing ${expected.slice(parsed.positionals.length).join(' ')}`
          : `unexpected argument "${parsed.positionals[expected.length]}"`,
    );
  }
  return parsed;
}

function print(io: Io, out: Output, json: boolean): void {
  if (out.quiet) return;
  if (json) {
    io.stdout(JSON.stringify(out.json, null, 2));
    if (out.warning) io.stderr(`warning: ${out.warning}`);
  } else {
    io.stdout(out.text);
  }
}

/** Usage errors exit 2, domain errors (bad input, not found, conflict) and the rest exit 1. */
function reportError(io: Io, err: unknown, json: boolean, helpHint: string): number {
  if (err instanceof UsageError) {
    io.stderr(
      json
        ? JSON.stringify({ error: 'usage', message: err.message })
        : `gatehouse: ${err.message}\nRun "${helpHint}" for usage.`,
    );
    return 2;
  }
  if (err instanceof DomainError) {
    const fields = err instanceof ValidationError ? err.fields : undefined;
    io.stderr(
      json
        ? JSON.stringify({ error: err.code, message: err.message, ...(fields ? { fields } : {}) })
        : `gatehouse: ${err.message}`,
    );
    return 1;
  }
  if (err instanceof InvalidCursor) {
    io.stderr(
      json ? JSON.stringify({ error: 'invalid_cursor', message: err.message }) : `gatehouse: ${err.message}`,
    );
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr(json ? JSON.stringify({ error: 'failed', message }) : `gatehouse: ${message}`);
  if (process.env.GATEHOUSE_DEBUG && err instanceof Error && err.stack) io.stderr(err.stack);
  return 1;
}
