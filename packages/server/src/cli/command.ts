import type { ParseArgsConfig } from 'node:util';
import type { Gatehouse } from '../gatehouse.ts';

/** A mistake in how a command was called: exit code 2 and a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

/** What a command hands back: one JSON object for --json, a readable text otherwise. */
export interface Output {
  json: Record<string, unknown>;
  text: string;
  /** Said on stderr in either mode (e.g. "this secret will not be shown again"). */
  warning?: string;
  /** Print nothing (a cluster worker of `serve`: its primary reports for the cluster). */
  quiet?: boolean;
}

export interface CommandContext {
  /** Gatehouse opened from the environment's config: migrated, with the server's services. */
  gatehouse(): Promise<Gatehouse>;
  /** Everything on standard input, up to EOF. */
  readStdin(): Promise<string>;
}

export interface Command {
  /** `app create`, `migrate`, ... */
  name: string;
  summary: string;
  /** The synopsis after `gatehouse <name>`, e.g. `--company ID --name NAME`. */
  usage: string;
  /** Option lines for --help: [flag, explanation]. */
  help: Array<[string, string]>;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Names of the positional arguments, in order; the count must match exactly. */
  positionals?: string[];
  /** An example for --help and docs/cli.md. */
  example?: string;
  run(values: Values, positionals: string[], ctx: CommandContext): Promise<Output>;
}

/** The actor recorded in the audit log for changes made from the CLI. */
export const CLI_ACTOR = 'cli';

export function stringOpt(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function requiredOpt(values: Values, name: string): string {
  const v = stringOpt(values, name);
  if (v === undefined || v.trim() === '') throw new UsageError(`--${name} is required`);
  return v;
}

export function listOpt(values: Values, name: string): string[] | undefined {
  const v = values[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : undefined;
}

/** A whole number option within bounds, or a UsageError naming the flag. */
export function intOpt(values: Values, name: string, min: number, max: number): number | undefined {
  const raw = stringOpt(values, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return Number(raw);
}

/** A choice among fixed values, or a UsageError listing them. */
export function choiceOpt<T extends string>(
  values: Values,
  name: string,
  choices: readonly T[],
): T | undefined {
  const raw = stringOpt(values, name);
  if (raw === undefined) return undefined;
  if (!(choices as readonly string[]).includes(raw))
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got "${raw}"`);
  return raw as T;
}
