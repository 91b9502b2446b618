'use strict';
/**
 * Sizes libuv's thread pool for Gatehouse, on load, unless UV_THREADPOOL_SIZE is already set.
 *
 * Token signatures run in that pool (node:crypto's one-shot sign), beside the event loop that
 * does everything else. libuv's default of 4 threads on a 2-core machine has the signing threads
 * take the event loop's core from it; one thread per spare core does not. The floor of 2 is for
 * safety: libuv lets DNS lookups (getaddrinfo, which the PostgreSQL driver uses to connect)
 * hold at most half of the pool, so with 2 threads a slow DNS server can never stall token
 * signing. See docs/deployment.md ("Sizing a node") and docs/benchmarks.md.
 *
 * It must run before anything uses the pool, and Node's ES module loader does: hence
 * CommonJS, loaded first by bin/gatehouse.cjs or with `node --require`.
 */
const { availableParallelism } = require('node:os');

/** 2 up to 3 cores, then one thread per core beyond the event loop's, at most libuv's default 4. */
function threadpoolSize(cores) {
  return Math.min(4, Math.max(2, cores - 1));
}

if (!process.env.UV_THREADPOOL_SIZE)
  process.env.UV_THREADPOOL_SIZE = String(threadpoolSize(availableParallelism()));

module.exports = { threadpoolSize };
