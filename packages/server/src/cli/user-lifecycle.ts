import { userJson } from '../users/wire.ts';
import { CLI_ACTOR, type Command, stringOpt, UsageError } from './command.ts';
import { summary } from './format.ts';
import { passwordFromStdin } from './user.ts';

const show = (u: Parameters<typeof userJson>[0], title: string) =>
  summary([
    [title, u.id],
    ['Email', u.email],
    ['Name', u.name],
    ['External id', u.externalId ?? '-'],
    ['Disabled', u.disabledAt ? u.disabledAt.toISOString() : 'no'],
  ]);

const update: Command = {
  name: 'user update',
  summary: "Change a user's sign-in address, name or external id",
  usage: 'ID [--email EMAIL] [--name NAME] [--external-id ID | --clear-external-id]',
  help: [
    ['--email EMAIL', 'the new sign-in address (unique, case-insensitive)'],
    ['--name NAME', 'the new display name'],
    ['--external-id ID', 'your own id for the user (unique among users)'],
    ['--clear-external-id', 'remove the external id'],
  ],
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    'external-id': { type: 'string' },
    'clear-external-id': { type: 'boolean' },
  },
  positionals: ['ID'],
  example: 'gatehouse user update usr_123 --email ada@new.test',
  async run(values, positionals, ctx) {
    const email = stringOpt(values, 'email');
    const name = stringOpt(values, 'name');
    const clear = values['clear-external-id'] === true;
    if (clear && stringOpt(values, 'external-id') !== undefined)
      throw new UsageError('give --external-id or --clear-external-id, not both');
    const externalId = clear ? null : stringOpt(values, 'external-id');
    if (email === undefined && name === undefined && externalId === undefined)
      throw new UsageError('nothing to change: give --email, --name, --external-id or --clear-external-id');
    const gh = await ctx.gatehouse();
    const user = await gh.userAdmin.update(
      positionals[0] as string,
      {
        ...(email !== undefined ? { email } : {}),
        ...(name !== undefined ? { name } : {}),
        ...(externalId !== undefined ? { externalId } : {}),
      },
      CLI_ACTOR,
    );
    return { json: userJson(user), text: show(user, 'User updated') };
  },
};

const setPassword: Command = {
  name: 'user set-password',
  summary: "Set a user's password, read from standard input",
  usage: 'ID --password-stdin',
  help: [['--password-stdin', 'read the password from standard input (never pass it as an argument)']],
  options: { 'password-stdin': { type: 'boolean' } },
  positionals: ['ID'],
  example: 'printf \'%s\' "$NEW_PASSWORD" | gatehouse user set-password usr_123 --password-stdin',
  async run(values, positionals, ctx) {
    if (values['password-stdin'] !== true)
      throw new UsageError(
        '--password-stdin is required: pipe the password in, so it stays out of your shell history',
      );
    const password = passwordFromStdin(await ctx.readStdin());
    const gh = await ctx.gatehouse();
    const user = await gh.userAdmin.setPassword(positionals[0] as string, password, CLI_ACTOR);
    return { json: { id: user.id, password_set: true }, text: `Password of ${user.email} set.` };
  },
};

const toggle = (disabled: boolean): Command => ({
  name: disabled ? 'user disable' : 'user enable',
  summary: disabled
    ? 'Disable a user: no sign-in; their sessions end and refresh tokens are revoked at once'
    : 'Enable a disabled user: they can sign in again',
  usage: 'ID',
  help: [],
  options: {},
  positionals: ['ID'],
  example: `gatehouse user ${disabled ? 'disable' : 'enable'} usr_123`,
  async run(_values, positionals, ctx) {
    const gh = await ctx.gatehouse();
    const user = await gh.userAdmin.setDisabled(positionals[0] as string, disabled, CLI_ACTOR);
    return { json: userJson(user), text: show(user, disabled ? 'User disabled' : 'User enabled') };
  },
});

const remove: Command = {
  name: 'user delete',
  summary: 'Delete a user: sessions end, refresh tokens are revoked; the company grants they gave stay',
  usage: 'ID',
  help: [],
  options: {},
  positionals: ['ID'],
  example: 'gatehouse user delete usr_123',
  async run(_values, positionals, ctx) {
    const id = positionals[0] as string;
    const gh = await ctx.gatehouse();
    await gh.userAdmin.delete(id, CLI_ACTOR);
    return { json: { id, deleted: true }, text: `User ${id} deleted.` };
  },
};

export const userLifecycleCommands: Command[] = [update, setPassword, toggle(true), toggle(false), remove];
