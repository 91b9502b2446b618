import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

/**
 * Diagnostics for the latency tail: appends JSON lines to `file`, one per 100 ms with the
 * event loop's largest and p99 delay in that window (`{"t","maxMs","p99Ms"}`), and one per
 * garbage-collection pause over 2 ms (`{"t","gc","ms"}`; kind 1 scavenge, 2 mark-compact,
 * 4 incremental marking, 8 weak callbacks). Enabled in the benchmark's Gatehouse by
 * BENCH_PAUSES_FILE; see docs/benchmarks.md.
 */
export function recordPauses(file: string): void {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const origin = performance.timeOrigin;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration <= 2) continue;
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      appendFileSync(
        file,
        `${JSON.stringify({ t: Math.round(origin + e.startTime), gc: kind, ms: e.duration })}\n`,
      );
    }
  }).observe({ entryTypes: ['gc'] });
  setInterval(() => {
    appendFileSync(
      file,
      `${JSON.stringify({ t: Date.now(), maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6 })}\n`,
    );
    delay.reset();
  }, 100).unref();
}
