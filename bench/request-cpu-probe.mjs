// Preloaded into the gateway (node --import) to find what delays single requests (issue 14): for each of the
// last 20,000 HTTP requests, its start and finish (epoch ms) and the CPU every thread of the process had used by
// then, from /proc/self/task/<tid>/schedstat (ns; another thread's figure is exact while this one runs on the
// same core, this thread's own is only as fresh as its last tick). The difference between two requests' figures
// is what each thread ran in between, whatever else the machine runs: the SQLite writer, V8's compiler and GC
// helper threads. Also the main thread's GC pauses. Written at exit to $AMG_REQUEST_PROBE_FILE; read by
// bench/request-cpu-report.mjs with bench/one-connection.mjs's $AMG_ONE_CONNECTION_LOG.
// Usage: AMG_REQUEST_PROBE_FILE=/tmp/probe.json AMG_ONE_CONNECTION_LOG=/tmp/requests.json \
//   npm run bench:memory -- --node-flags "--import ./bench/request-cpu-probe.mjs"
import { subscribe } from 'node:diagnostics_channel';
import { openSync, readdirSync, readlinkSync, readSync, writeFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

const FILE = process.env.AMG_REQUEST_PROBE_FILE;
const KEEP = 20_000;

if (FILE && !isMainThread) {
  // Worker threads inherit --import: each names its thread id, so the report can tell the writer apart.
  writeFileSync(`${FILE}.worker-${readlinkSync('/proc/thread-self').split('/').pop()}`, '');
} else if (FILE) {
  const now = () => performance.timeOrigin + performance.now();
  const buffer = Buffer.alloc(128);
  /** Open schedstat files, one per thread, found again when a thread appears (workers start after us). */
  const threads = new Map();
  let calls = 0;
  const cpu = () => {
    // Look for new threads now and then (a directory listing per request would cost more than the rest).
    if (calls++ % 1000 === 0) {
      for (const tid of readdirSync('/proc/self/task')) {
        if (!threads.has(tid)) threads.set(tid, openSync(`/proc/self/task/${tid}/schedstat`, 'r'));
      }
    }
    const out = {};
    for (const [tid, fd] of threads) {
      try {
        out[tid] = Number(buffer.toString('latin1', 0, readSync(fd, buffer, 0, 128, 0)).split(' ')[0]);
      } catch {
        threads.delete(tid); // the thread ended
      }
    }
    return out;
  };
  const requests = [];
  const gc = [];
  const starts = new WeakMap();
  subscribe('http.server.request.start', ({ request }) => starts.set(request, [now(), cpu()]));
  subscribe('http.server.response.finish', ({ request }) => {
    const start = starts.get(request);
    if (!start) return;
    requests.push([start[0], now(), start[1], cpu()]);
    if (requests.length > KEEP * 1.5) requests.splice(0, requests.length - KEEP);
  });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gc.push([performance.timeOrigin + entry.startTime, entry.duration]);
  }).observe({ entryTypes: ['gc'] });
  process.on('exit', () => {
    writeFileSync(FILE, JSON.stringify({ pid: process.pid, requests: requests.slice(-KEEP), gc }));
  });
}
