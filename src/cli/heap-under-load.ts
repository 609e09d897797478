import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * The old generation's growth after a full collection, in percent of what survived it. V8 picks 10-300% from
 * its own speed figures and, under load, let promoted garbage pile up to ~3x the live heap (64 MB old space on
 * ~18 MB live) before marking. 50%: a full collection marks only the live objects, so collecting more often
 * costs little; it is concurrent and incremental, so it adds no long pause.
 */
export const HEAP_GROWING_PERCENT = 50;

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
 * bench machine, with the other changes of that pass). The young generation is left to V8: capping it at 4 MB
 * per semi-space (through the growth factor, steered from a GC observer) brought the peak to 137 MB but cost
 * 7% of CPU per request at 64 connections and 60% in `bench:memory`'s 50-connection phase (0.150 -> 0.239 ms),
 * and made the 1-connection p99 worse (scavenges every few requests). The hot path comes first.
 */
export function boundOldGeneration(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  collectOnce();
}
