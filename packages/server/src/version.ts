import pkg from '../package.json' with { type: 'json' };

/** @gatehouse/server's version, from its package.json (inlined by bundlers, so builds keep it). */
export const VERSION: string = pkg.version;
