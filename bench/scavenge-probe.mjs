// Preloaded into the gateway (node --import) to find where its main thread's collections fall (issue 14): inside a
// request (between the server's request start and its response's finish, so the pause delays that request) or
// between requests. Records, without allocating per request, every request start and finish (epoch ms, from the
// diagnostics channels of node:http) and every collection (start, duration, kind), and writes them at exit to
// $AMG_SCAVENGE_PROBE_FILE; bench/scavenge-placement.mjs reads the file, with bench/one-connection.mjs's
// $AMG_ONE_CONNECTION_LOG if given (the client's view: which requests a pause overlapped, and by how much).
// Usage: AMG_SCAVENGE_PROBE_FILE=/tmp/gc.json AMG_ONE_CONNECTION_LOG=/tmp/requests.json \
//   npm run bench:memory -- --trace-gc --node-flags "--import ./bench/scavenge-probe.mjs"
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { constants, PerformanceObserver, performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

const FILE = process.env.AMG_SCAVENGE_PROBE_FILE;

if (FILE && isMainThread) {
  const origin = performance.timeOrigin;
  /** Request events as (epoch ms, +1 start / -1 finish) pairs, in a growing typed array: no object per request. */
  let events = new Float64Array(1 << 16);
  let used = 0;
  const push = (delta) => {
    if (used + 2 > events.length) {
      const bigger = new Float64Array(events.length * 2);
      bigger.set(events);
      events = bigger;
    }
    events[used++] = origin + performance.now();
    events[used++] = delta;
  };
  subscribe('http.server.request.start', () => push(1));
  subscribe('http.server.response.finish', () => push(-1));
  const gc = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const minor = entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR;
      gc.push([origin + entry.startTime, entry.duration, minor ? 'scavenge' : 'other']);
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('exit', () => {
    writeFileSync(FILE, JSON.stringify({ events: Array.from(events.subarray(0, used)), gc }));
  });
}
