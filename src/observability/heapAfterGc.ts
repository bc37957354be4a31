import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

/**
 * The V8 heap in use right after the latest major (mark-compact) collection: what survives, so a
 * leak shows as a climb, where the heap in use at any moment saws with garbage not yet collected.
 * One observer for the process, started on first use; undefined until a major collection ran.
 */
let afterMajorGc: number | undefined;
let observing = false;

export function heapUsedAfterMajorGc(): number | undefined {
  if (!observing) {
    observing = true;
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const { detail } = entry as { detail?: { kind?: number } };
        if (detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
          afterMajorGc = getHeapStatistics().used_heap_size;
      }
    });
    observer.observe({ entryTypes: ['gc'] });
    // a process that only serves does not stay alive for its metrics
    (observer as unknown as { unref?: () => void }).unref?.();
  }
  return afterMajorGc;
}
