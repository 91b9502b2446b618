import { SIGNING_ALGS } from '../keys/key-store.ts';
import { signingKeyJson } from '../keys/wire.ts';
import { type Command, choiceOpt, UsageError } from './command.ts';
import { table } from './format.ts';

const list: Command = {
  name: 'keys list',
  summary: 'List token signing keys (public metadata only)',
  usage: '',
  help: [],
  options: {},
  example: 'gatehouse keys list',
  async run(_values, _positionals, ctx) {
    const gh = await ctx.gatehouse();
    const keys = await gh.keys.list();
    return {
      json: { keys: keys.map(signingKeyJson) },
      text: table(
        ['KID', 'ALG', 'STATUS', 'CREATED', 'RETIRED'],
        keys.map((k) => [
          k.kid,
          k.alg,
          k.status,
          k.createdAt.toISOString(),
          k.retiredAt?.toISOString() ?? '',
        ]),
      ),
    };
  },
};

const rotate: Command = {
  name: 'keys rotate',
  summary: 'Create a new signing key for an algorithm and retire the old one',
  usage: '--alg ES256|RS256|EdDSA',
  help: [
    ['--alg ALG', `the algorithm whose key to replace: ${SIGNING_ALGS.join(', ')}`],
    ['', 'Retired keys stay in the JWKS for two days so tokens they signed still verify.'],
  ],
  options: { alg: { type: 'string' } },
  example: 'gatehouse keys rotate --alg ES256',
  async run(values, _positionals, ctx) {
    const alg = choiceOpt(values, 'alg', SIGNING_ALGS);
    if (!alg) throw new UsageError('--alg is required');
    const gh = await ctx.gatehouse();
    const before = (await gh.keys.list()).filter((k) => k.alg === alg && k.status === 'active');
    const kid = await gh.keys.rotate(alg);
    return {
      json: { kid, alg, retired: before.map((k) => k.kid) },
      text: `New ${alg} signing key ${kid}; retired ${before.map((k) => k.kid).join(', ') || 'none'}. Running servers switch to it at their next invalidation poll.`,
    };
  },
};

export const keyCommands: Command[] = [list, rotate];
