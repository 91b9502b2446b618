#!/usr/bin/env node
// The `gatehouse` CLI. The sources are TypeScript run through tsx, like the server itself.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
