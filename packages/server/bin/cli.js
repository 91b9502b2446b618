// The `gatehouse` CLI proper, loaded by gatehouse.cjs once libuv's pool is sized. The
// sources are TypeScript run through tsx, like the server itself.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
