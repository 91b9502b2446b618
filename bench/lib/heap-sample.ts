import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * Diagnostics for allocation: a sampling heap profile of the benchmark's Gatehouse, from 8 s
 * after start for 8 s, written to `file` (a .heapprofile JSON that Chrome DevTools opens).
 * Mode `promoted` (the default) keeps only what outlived the young generation: objects that
 * died in a mark-compact or are still alive, i.e. what feeds the old generation. Mode `all`
 * keeps every sampled allocation. Enabled by BENCH_HEAP_FILE (and BENCH_HEAP_MODE); see
 * docs/benchmarks.md.
 */
export function sampleHeap(file: string, mode: string): void {
  const seconds = 8;
  const session = new Session();
  session.connect();
  setTimeout(async () => {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: mode === 'all',
    } as never);
    setTimeout(async () => {
      const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: unknown };
      writeFileSync(file, JSON.stringify(profile));
    }, seconds * 1000);
  }, 8000);
}
