import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags that keep helper threads out of a scavenge's pause: the scavenge's copying on the main thread alone,
 * and the sweep of the array buffers it freed on the main thread too (a few hundred small buffers a scavenge at
 * one connection), instead of a background task it posts at the end of the pause.
 */
export const ONE_CORE_SCAVENGE_FLAGS = ['--no-parallel-scavenge', '--no-concurrent-array-buffer-sweeping'];

/**
 * Keeps V8's scavenges on the main thread when the process may use one core only (CPU affinity: `taskset`, a
 * container's cpuset), and says whether it did. V8 splits a scavenge between the main thread and helper threads
 * and the pause lasts until the last helper is done; with one core a helper runs only when the main thread gives
 * the core up, and a woken helper can take it in the middle of the pause. On the gateway pinned to one core at one
 * connection (~300 KB surviving each scavenge), the copying phase's median went 0.8-1.6 → 0.5-0.7 ms; the copying
 * alone on the main thread left the array-buffer sweep task, woken at the pause's end, taking the core for
 * 0.7-1.6 ms (median), hence the second flag (docs/benchmark.md, issue 14). Concurrent marking and sweeping of the
 * old generation stay on: they run beside the program, not inside a pause. The flags are read at each collection
 * and are process-wide (worker threads too).
 */
export function scavengeOnMainThreadOnOneCore(cores: number = availableParallelism()): boolean {
  if (cores > 1) return false;
  for (const flag of ONE_CORE_SCAVENGE_FLAGS) setFlagsFromString(flag);
  return true;
}
