import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Worker } from 'node:worker_threads';

/**
 * The old generation's growth after a full collection, in percent of what survived it. V8 picks 10-300% from
 * its own speed figures and, under load, let promoted garbage pile up to ~3x the live heap (64 MB old space on
 * ~18 MB live) before marking. 50%: a full collection marks only the live objects, so collecting more often
 * costs little; it is concurrent and incremental, so it adds no long pause.
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * The largest semi-space (MB) the young generation grows to under load. V8's default, 16 MB (two of them, 32 MB
 * committed), was ~16 MB more of the peak RSS at 50 connections than 8 MB (issue 14). A scavenge's cost follows
 * what survives it (the requests in flight), not the space's size: 8 MB means twice as many scavenges as 16, half
 * as many as the 4 MB cap that was measured at +6% CPU per request and dropped.
 */
export const MAX_SEMI_SPACE_MB = 8;

const MB = 1024 * 1024;

/** V8's page size: a semi-space's capacity is a whole number of pages (its usable bytes a little less). */
const PAGE = 256 * 1024;

/** The young generation's semi-space capacity in bytes (its usable bytes rounded up to whole pages). */
function semiSpaceBytes(): number {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  return space ? Math.ceil((space.space_used_size + space.space_available_size) / PAGE) * PAGE : 0;
}

/**
 * The growth factor that takes a semi-space of `capacity` bytes to the cap in one growth step and never past it:
 * 1 at the cap, 2 at half of it, 8 at 1 MB. After a mark-compact at a low allocation rate (the pause between two
 * bursts, a quiet minute) V8 shrinks the young generation back to 1 MB, and doubling it back to 8 MB took three
 * growth steps, ~45 scavenges at one connection with scavenges every 15-80 requests meanwhile (issue 14).
 */
export function growthFactorTowardsCap(capacity: number, capMb: number = MAX_SEMI_SPACE_MB): number {
  return capacity > 0 ? Math.max(1, Math.floor((capMb * MB) / capacity)) : 2;
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

/**
 * Bounds the old generation while the gateway serves (peak RSS at 50 connections 235 -> 164 MB on the quiet
 * bench machine, with the other changes of that pass).
 */
export function boundOldGeneration(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  collectOnce();
}

/** Stops capping the young generation (for tests). */
export type Release = () => void;

/**
 * Caps the young generation at `MAX_SEMI_SPACE_MB` per semi-space. `--max-semi-space-size` is read only when the
 * heap is set up (before any code of ours runs), so the cap goes through the growth factor, which V8 reads at
 * every growth step: the factor that reaches the cap in one step (`growthFactorTowardsCap`), 1 once it is reached,
 * checked after scavenges. The factor is process-wide, so the writer thread's young generation stays within the cap as well.
 * The observer runs between macrotasks: a burst that made V8 grow the space twice inside one (two scavenges that
 * each grow it, with no check between) would leave it at twice the cap; a request's allocation (~50-110 KB) is far from
 * that (test/cli/heap-under-load.test.ts allocates at that grain).
 */
export function capYoungGeneration(): Release {
  let factor: number | undefined;
  const steer = () => {
    const next = growthFactorTowardsCap(semiSpaceBytes());
    if (next === factor) return;
    factor = next;
    setFlagsFromString(`--semi-space-growth-factor=${next}`);
  };
  const observer = new PerformanceObserver((list) => {
    const scavenged = list.getEntries().some((entry) => {
      const detail = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail;
      return detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR;
    });
    if (scavenged) steer();
  });
  // V8 raises the growth factor to at least 2 whenever it sets up an isolate's heap: a worker started later (the
  // large-body parser thread comes and goes) would lift the cap until steered again.
  const onWorker = (worker: Worker) =>
    worker.once('online', () => {
      factor = undefined;
      steer();
    });
  steer();
  observer.observe({ entryTypes: ['gc'] });
  process.on('worker', onWorker);
  return () => {
    observer.disconnect();
    process.off('worker', onWorker);
    setFlagsFromString('--semi-space-growth-factor=2');
  };
}

/**
 * Caps the young generation from the first HTTP request on. Call after `releaseAtFirstRequest`
 * (./start-footprint.ts): diagnostics-channel subscribers run in the order they subscribed, so the cap starts
 * from V8's defaults, which that release restores.
 */
export function capYoungGenerationAtFirstRequest(): void {
  const channel = 'http.server.request.start';
  const onFirstRequest = () => {
    unsubscribe(channel, onFirstRequest);
    capYoungGeneration();
  };
  subscribe(channel, onFirstRequest);
}
