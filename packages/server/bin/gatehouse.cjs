#!/usr/bin/env node
'use strict';
// The `gatehouse` command. CommonJS so that libuv's pool is sized (threadpool.cjs) before
// the ES module loader first uses it; then the CLI itself (cli.js).
require('./threadpool.cjs');
import('./cli.js');
