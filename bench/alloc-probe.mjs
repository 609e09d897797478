// Preloaded into a gateway by bench/request-alloc.mjs (`node --import <this file> dist/cli/main.js serve …`):
// counts the bytes the gateway's main thread allocates between two SIGUSR2s, whatever the machine's load: the
// heap's growth between collections, summed over the current (v8.GCProfiler reports the heap before and after each
// one; growth, not what a collection freed, so old garbage a mark-compact frees in the current is not counted). Prints `alloc-start` at the first signal and, at the second,
// `alloc <bytes> <scavenges> <mark-compacts>` on stderr. When the file named by $AMG_ALLOC_PROFILE exists at the
// start of a current, the current also samples where its allocations came from (V8's sampling heap profiler,
// objects collected by minor and major GCs included, one sample per $AMG_ALLOC_INTERVAL bytes, 256 unless set)
// and writes the profile to the path that file holds (.heapprofile JSON, for bench/alloc-report.mjs or
// Chrome's DevTools); the file is removed, so only that current is profiled.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { GCProfiler, getHeapStatistics } from 'node:v8';

const PROFILE_REQUEST = process.env.AMG_ALLOC_PROFILE;
let current;

/** Where to write this current's profile, when one was asked for. */
function profilePath() {
  if (!PROFILE_REQUEST || !existsSync(PROFILE_REQUEST)) return undefined;
  const path = readFileSync(PROFILE_REQUEST, 'utf8').trim();
  rmSync(PROFILE_REQUEST);
  return path;
}

function post(session, method, params) {
  return new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

async function start() {
  const path = profilePath();
  const session = path ? new Session() : undefined;
  if (session) {
    session.connect();
    await post(session, 'HeapProfiler.startSampling', {
      samplingInterval: Number(process.env.AMG_ALLOC_INTERVAL ?? 256),
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }
  const profiler = new GCProfiler();
  profiler.start();
  current = { profiler, session, path, used: getHeapStatistics().used_heap_size };
  process.stderr.write('alloc-start\n');
}

async function stop() {
  const { profiler, session, path, used } = current;
  current = undefined;
  const end = getHeapStatistics().used_heap_size;
  const { statistics } = profiler.stop();
  let grown = 0;
  let last = used;
  let scavenges = 0;
  let markCompacts = 0;
  for (const gc of statistics) {
    grown += gc.beforeGC.heapStatistics.usedHeapSize - last;
    last = gc.afterGC.heapStatistics.usedHeapSize;
    if (gc.gcType === 'Scavenge' || gc.gcType === 'MinorMarkCompact') scavenges++;
    else if (gc.gcType === 'MarkSweepCompact') markCompacts++;
  }
  if (session) {
    const { profile } = await post(session, 'HeapProfiler.stopSampling');
    session.disconnect();
    writeFileSync(path, JSON.stringify(profile));
  }
  process.stderr.write(`alloc ${grown + end - last} ${scavenges} ${markCompacts}\n`);
}

process.on('SIGUSR2', () => {
  void (current ? stop() : start());
});
