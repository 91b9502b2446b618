import { type RotationResult, SIGNING_ALGS } from '../keys/key-store.ts';
import { RETIRED_KEY_PUBLISH_MS } from '../keys/schedule.ts';
import { publishedUntil, rotationJson, signingKeyJson } from '../keys/wire.ts';
import { type Command, choiceOpt, UsageError } from './command.ts';
import { table } from './format.ts';

const iso = (d: Date | null) => d?.toISOString() ?? '';

const list: Command = {
  name: 'keys list',
  summary: 'List token signing keys and their state: next (published, not yet signing), active, retired',
  usage: '',
  help: [
    ['', 'SIGNS FROM: when a next key takes over, or when an active or retired key began to sign.'],
    ['', 'PUBLISHED UNTIL: when a retired key leaves the JWKS (every token it signed has expired).'],
  ],
  options: {},
  example: 'gatehouse keys list',
  async run(_values, _positionals, ctx) {
    const gh = await ctx.gatehouse();
    const keys = await gh.keys.list();
    return {
      json: { keys: keys.map(signingKeyJson) },
      text: table(
        ['KID', 'ALG', 'STATUS', 'CREATED', 'SIGNS FROM', 'RETIRED', 'PUBLISHED UNTIL'],
        keys.map((k) => [
          k.kid,
          k.alg,
          k.status,
          k.createdAt.toISOString(),
          iso(k.activatesAt),
          iso(k.retiredAt),
          iso(publishedUntil(k)),
        ]),
      ),
    };
  },
};

const describe = (r: RotationResult, now: boolean, withdraw: boolean): string => {
  if (now && withdraw)
    return `${r.alg}: key ${r.kid} signs now; withdrew ${r.retired.join(', ') || 'none'} from the JWKS (tokens it signed no longer verify).`;
  if (now)
    return `${r.alg}: key ${r.kid} signs now; retired ${r.retired.join(', ') || 'none'} (published until ${new Date(r.activatesAt.getTime() + RETIRED_KEY_PUBLISH_MS).toISOString()}, so the tokens it signed still verify).`;
  if (!r.created)
    return `${r.alg}: key ${r.kid} is already published as the next key; it signs from ${r.activatesAt.toISOString()}.`;
  return `${r.alg}: next key ${r.kid} published; it signs from ${r.activatesAt.toISOString()}.`;
};

const rotate: Command = {
  name: 'keys rotate',
  summary: 'Publish the next signing key now; it signs after the pre-publication period (--now: at once)',
  usage: '[--alg ES256|RS256|EdDSA] [--now [--withdraw]]',
  help: [
    ['--alg ALG', `only this algorithm's key (default: all of ${SIGNING_ALGS.join(', ')})`],
    ['--now', 'emergency (a compromised key): the new key signs at once, skipping pre-publication'],
    ['--withdraw', 'with --now: remove the replaced key from the JWKS at once (its tokens stop verifying)'],
    ['', 'Without --now a running server switches to the next key after GATEHOUSE_KEY_PREPUBLISH_HOURS;'],
    ['', 'with --now running servers switch at their next invalidation poll, and resource servers'],
    ['', 'holding a cached JWKS must refetch it (see docs/security.md, "Signing keys").'],
  ],
  options: { alg: { type: 'string' }, now: { type: 'boolean' }, withdraw: { type: 'boolean' } },
  example: 'gatehouse keys rotate --alg ES256',
  async run(values, _positionals, ctx) {
    const only = choiceOpt(values, 'alg', SIGNING_ALGS);
    const now = values.now === true;
    const withdraw = values.withdraw === true;
    if (withdraw && !now) throw new UsageError('--withdraw goes with --now');
    const gh = await ctx.gatehouse();
    const results: RotationResult[] = [];
    for (const alg of only ? [only] : SIGNING_ALGS) {
      const activatesAt = new Date(Date.now() + gh.config.keyRotation.prepublishMs);
      results.push(
        now ? await gh.keys.rotateNow(alg, { withdraw }) : await gh.keys.prepublish(alg, activatesAt),
      );
    }
    return {
      json: { keys: results.map(rotationJson) },
      text: [
        ...results.map((r) => describe(r, now, withdraw)),
        now
          ? 'Running servers sign with the new keys after their next invalidation poll.'
          : 'A running server switches to them then (gatehouse keys list shows the state).',
      ].join('\n'),
    };
  },
};

export const keyCommands: Command[] = [list, rotate];
