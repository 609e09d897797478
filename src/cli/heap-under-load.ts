import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Worker } from 'node:worker_threads';

/**
 * The largest semi-space (MB) the young generation grows to under load. V8's default, 16 MB (two of them, 32 MB
 * committed), was ~24 MB of the peak RSS at 50 connections (issue 14). A scavenge's cost follows what survives
 * it (the requests in flight), not the space's size, but four times as many scavenges at 4 MB do cost CPU.
 */
export const MAX_SEMI_SPACE_MB = 4;

/**
 * The old generation's growth after a full collection, in percent of what survived it. V8 picks 10-300% from
 * its own speed figures and, under load, let promoted garbage pile up to ~3x the live heap (64 MB old space on
 * ~18 MB live) before marking. 50%: a full collection marks only the live objects, so collecting more often
 * costs little; it is concurrent and incremental, so it adds no long pause.
 */
export const HEAP_GROWING_PERCENT = 50;

const MB = 1024 * 1024;

/** The young generation's usable semi-space capacity in bytes (a little under its size: page headers). */
function semiSpaceBytes(): number {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  return space ? space.space_used_size + space.space_available_size : 0;
}

/**
 * One full collection, before traffic: V8 sets the old generation's limit at each full collection, and the one
 * made while the program started (with V8's own factor, up to 4x live) would otherwise stand until the heap
 * reached it (45 MB of old space on ~14 MB live under load). A new context gets `gc` once it is exposed.
 */
function collectOnce(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** The heap's bounds while the gateway serves (see `boundHeapUnderLoad`). */
export interface HeapBound {
  /** Starts capping the young generation at `MAX_SEMI_SPACE_MB` (call once its start hold has ended). */
  capYoungGeneration(): void;
  /** Stops steering and gives V8 back its own sizing (for tests). */
  release(): void;
}

/**
 * Bounds the heap while the gateway serves: the old generation's growth at once, the young generation once
 * `capYoungGeneration` is called. `--max-semi-space-size` is read only when the heap is set up (before any code of
 * ours runs), so the young generation is capped through its growth factor instead, read at every growth step: 2
 * while a doubling stays within the cap (1, 2, 4 MB), 1 once it is reached, checked after scavenges.
 */
export function boundHeapUnderLoad(): HeapBound {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  collectOnce();
  let growing: boolean | undefined;
  const steer = () => {
    // Growth doubles the capacity: allowed while a doubling stays within the cap.
    const grow = semiSpaceBytes() * 2 <= MAX_SEMI_SPACE_MB * MB;
    if (grow === growing) return;
    growing = grow;
    setFlagsFromString(`--semi-space-growth-factor=${grow ? 2 : 1}`);
  };
  // V8 may also shrink the young generation when allocation slows; the next scavenge lets it grow back.
  const observer = new PerformanceObserver((list) => {
    const scavenged = list.getEntries().some((entry) => {
      const detail = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail;
      return detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR;
    });
    if (scavenged) steer();
  });
  // V8 raises the (process-wide) growth factor to at least 2 whenever it sets up an isolate's heap: a worker
  // started later (the large-body parser thread comes and goes) would lift the cap until steered again.
  const onWorker = (worker: Worker) =>
    worker.once('online', () => {
      if (growing === undefined) return;
      growing = undefined;
      steer();
    });
  return {
    capYoungGeneration() {
      steer();
      observer.observe({ entryTypes: ['gc'] });
      process.on('worker', onWorker);
    },
    release() {
      observer.disconnect();
      process.off('worker', onWorker);
      setFlagsFromString('--heap-growing-percent=0');
      setFlagsFromString('--semi-space-growth-factor=2');
    },
  };
}
