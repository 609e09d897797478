import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setFlagsFromString } from 'node:v8';
import type { Worker } from 'node:worker_threads';

/**
 * What V8 does while the program loads and starts stays in memory at idle (issue 14). This module is imported
 * first (./entry.ts, before the program is parsed) and holds three things off until the first HTTP request:
 *
 * - The young generation's growth. Most of what loading allocates survives, so V8 would grow the young generation
 *   towards its maximum of 16 MB per semi-space and not give it back at idle; with a growth factor of 1 it stays
 *   at 1 MB per semi-space (2 MB in all, against 8 MB when growth resumed at listen: what start allocated counts
 *   towards the next growth). `--max-semi-space-size` would cap it under load too, which costs CPU in more
 *   frequent scavenges.
 * - The optimizing and baseline compilers (TurboFan, Sparkplug; Maglev where V8 enables it). Code that runs hot
 *   while the program loads and starts (schema building, config parsing) is mostly never run again, yet its
 *   compilations leave their code, the compilers' freed working memory in the compiler threads' malloc arenas
 *   and the compilers' own pages of the node binary resident: ~9 MB of an idle gateway's RSS. Start takes less
 *   CPU, not more (0.65 s against 0.79 s): the interpreter starts each function sooner than the compilers pay off
 *   on this code.
 * - Partial full collections. A mark-compact normally compacts only the pages V8 picks as fragmented enough; the
 *   others keep the holes that start's short-lived objects (config parsing and schema building, migrations in
 *   the SQLite writer) leave behind, and the old generation stays committed around them. Compacting every page
 *   in the collections made while the program starts leaves ~1.4 MB less committed at idle. Start's few
 *   mark-compacts take a little longer; under traffic V8 chooses again.
 *
 * From the first request on, V8's defaults are back: the young generation grows with the load and functions that
 * run hot are compiled as before. The first requests run interpreted until their functions have run often enough,
 * as they would right after any start. Other commands than `serve` release the hold before they run.
 */
const [v8Major = 0, v8Minor = 0] = process.versions.v8.split('.').map(Number);
/** Maglev, V8's mid-tier optimizing compiler, is on by default from V8 11.7 (Node 22 on; not in Node 20's 11.3). */
const MAGLEV = v8Major > 11 || (v8Major === 11 && v8Minor >= 7) ? 'maglev' : undefined;
const COMPILERS = ['turbofan', 'sparkplug', ...(MAGLEV ? [MAGLEV] : [])];
const HOLD = ['--semi-space-growth-factor=1', ...COMPILERS.map((name) => `--no-${name}`), '--compact-on-every-full-gc'];
/** V8's defaults (a growth factor of 2 in the V8 of Node 20, 22 and 24). */
const RELEASE = [
  '--semi-space-growth-factor=2',
  ...COMPILERS.map((name) => `--${name}`),
  '--no-compact-on-every-full-gc',
];

let held = true;
for (const flag of HOLD) setFlagsFromString(flag);

// V8 raises the growth factor to at least 2 whenever it sets up an isolate's heap (Heap::ConfigureHeap): the
// factor is process-wide, so a worker thread started meanwhile (the SQLite writer) would release that hold for
// every thread.
process.on('worker', (worker: Worker) => {
  worker.once('online', () => {
    if (held) setFlagsFromString(HOLD[0] as string);
  });
});

const REQUEST_START = 'http.server.request.start';

/** Restores V8's defaults now (once). */
export function release(): void {
  if (!held) return;
  held = false;
  for (const flag of RELEASE) setFlagsFromString(flag);
}

/** Restores V8's defaults at the first HTTP request (to either listener) the process answers. */
export function releaseAtFirstRequest(): void {
  if (!held) return;
  const onFirstRequest = () => {
    unsubscribe(REQUEST_START, onFirstRequest);
    release();
  };
  subscribe(REQUEST_START, onFirstRequest);
}
