// Preloaded into the gateway (node --import) to list what its main thread runs besides the request at hand (issue
// 14's p99 at one connection): every callback the event loop enters from an async resource (timers, immediates,
// worker messages, file-system and socket callbacks), grouped by the resource's type and the first frame outside
// Node's internals that created it, with how often it ran, whether a request was in flight then (node:http's
// diagnostics channels), and how long it took (median and p99 of wall time; on a loaded machine the median is the
// figure to read, the count is exact). Promises are not listed (their continuations run inside the callbacks here).
// Written at exit to $AMG_TASKS_PROBE_FILE; bench/background-work.mjs runs it and prints the table.
import { createHook } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { constants, PerformanceObserver, performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

const FILE = process.env.AMG_TASKS_PROBE_FILE;

/** The first stack frame outside Node's internals and this probe: where the resource was made. */
function site() {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 14;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const frames = stack.split('\n').slice(2);
  const own = frames.find((f) => !f.includes('node:') && !f.includes('main-thread-tasks.mjs'));
  return (own ?? frames[frames.length - 1] ?? '?').trim().replace(/\(file:\/\/\/[^)]*\/(dist|node_modules)\//, '($1/');
}

if (FILE && isMainThread) {
  /** asyncId → its group's stats; only resources made while the hook is on are known. */
  const groups = new Map();
  const byId = new Map();
  const running = new Map();
  let inflight = 0;
  let requests = 0;
  const started = performance.now();
  subscribe('http.server.request.start', () => {
    inflight++;
    requests++;
  });
  subscribe('http.server.response.finish', () => {
    inflight = Math.max(0, inflight - 1);
  });
  const hook = createHook({
    init(asyncId, type) {
      if (type === 'PROMISE') return;
      const key = `${type} ${site()}`;
      let group = groups.get(key);
      if (!group) {
        group = { key, made: 0, runs: 0, inRequest: 0, ms: [] };
        groups.set(key, group);
      }
      group.made++;
      byId.set(asyncId, group);
    },
    before(asyncId) {
      const group = byId.get(asyncId);
      if (group) running.set(asyncId, [group, performance.now(), inflight > 0]);
    },
    after(asyncId) {
      const entry = running.get(asyncId);
      if (!entry) return;
      running.delete(asyncId);
      const [group, t0, inRequest] = entry;
      group.runs++;
      if (inRequest) group.inRequest++;
      if (group.ms.length < 200_000) group.ms.push(performance.now() - t0);
    },
    destroy(asyncId) {
      byId.delete(asyncId);
    },
  });
  hook.enable();
  /** Collections by kind (each batch of entries costs the process an Immediate for its observers). */
  const gcKinds = new Map();
  const kindNames = {
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = kindNames[entry.detail?.kind] ?? String(entry.detail?.kind);
      gcKinds.set(kind, (gcKinds.get(kind) ?? 0) + 1);
    }
  }).observe({ entryTypes: ['gc'] });
  // The runner marks the measured window: SIGUSR2 resets every count (after the warm-up).
  process.on('SIGUSR2', () => {
    for (const group of groups.values()) Object.assign(group, { made: 0, runs: 0, inRequest: 0, ms: [] });
    requests = 0;
    // Sent between phases, with nothing in flight: a load phase's connections closed by the client never finish.
    inflight = 0;
    gcKinds.clear();
    reset = performance.now();
  });
  let reset = started;
  process.on('exit', () => {
    hook.disable();
    const pct = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    const out = [...groups.values()]
      .filter((g) => g.runs > 0 || g.made > 0)
      .map((g) => {
        const sorted = g.ms.sort((a, b) => a - b);
        return {
          key: g.key,
          made: g.made,
          runs: g.runs,
          in_request: g.inRequest,
          median_us: Math.round(pct(sorted, 0.5) * 1000),
          p99_us: Math.round(pct(sorted, 0.99) * 1000),
          total_ms: Math.round(sorted.reduce((a, b) => a + b, 0) * 10) / 10,
        };
      })
      .sort((a, b) => b.runs - a.runs);
    writeFileSync(
      FILE,
      JSON.stringify({
        seconds: (performance.now() - reset) / 1000,
        requests,
        gc: Object.fromEntries(gcKinds),
        groups: out,
      }),
    );
  });
}
