// On/off comparisons for bench/run.mjs, in paired rounds of fresh gateway processes.
//
// Why rounds of fresh processes: two gateway processes of one build, started the same way, differ in throughput by
// more than the costs being compared (JIT decisions, heap layout, where the kernel places the process; quiet runs
// of one "off" config used 160–197 µs of CPU per request). With one process per variant for a whole phase, one
// unlucky process biases every repeat of its variant. Here every round starts fresh processes for every variant,
// warms each up, measures them in turns (the round's order reversed every other round, so neither side always
// goes first), and stops them; each round yields a paired ratio variant ÷ baseline, and the report gives the
// median of those ratios with their min–max, so process luck shows up as spread instead of as a cost.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { drive } from './load.mjs';
import { body as chatBody, TOKEN } from './scenarios.mjs';

const CLK_TCK = 100;
export const MODES = { nonStream: false, stream: true };

/** User + system CPU seconds of a process, all its threads (the SQLite worker too). */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Busy and total clock ticks of one core since boot (/proc/stat), to tell whether a core was saturated. */
function coreTicks(core) {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`cpu${core} `));
  if (!line) return null;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { busy: total - idle - iowait, total };
}

const busyShare = (before, after) =>
  before && after && after.total > before.total ? (after.busy - before.busy) / (after.total - before.total) : null;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until `pid` used at most one clock tick of CPU in 200 ms (at most 3 s). Work a gateway does after the
 * load stops (telemetry rows still queued for SQLite, spans still batched for export) is its cost: it is counted
 * in its CPU per request, and it does not run into the next phase's measurement on the same core.
 */
export async function settle(pid) {
  const deadline = Date.now() + 3000;
  let before = cpuSeconds(pid);
  while (Date.now() < deadline) {
    await sleep(200);
    const now = cpuSeconds(pid);
    if (now - before <= 1 / CLK_TCK) return;
    before = now;
  }
}

/** One timed load run: throughput and latency from the load tool, CPU per request and core use from /proc. */
async function measureOnce(request, pid, seconds, cores) {
  const cpuBefore = cpuSeconds(pid);
  const gatewayBefore = coreTicks(cores.gateway);
  const loadBefore = coreTicks(cores.load);
  const started = performance.now();
  const result = await drive({ ...request, seconds });
  const wall = (performance.now() - started) / 1000;
  const cpuDuring = cpuSeconds(pid) - cpuBefore;
  const gatewayCore = busyShare(gatewayBefore, coreTicks(cores.gateway));
  const loadCore = busyShare(loadBefore, coreTicks(cores.load));
  await settle(pid);
  const cpuUsPerRequest = result.requests ? ((cpuSeconds(pid) - cpuBefore) / result.requests) * 1e6 : null;
  // The gateway's own share of a core while loaded: near 1 means the gateway, not the load side, set the pace,
  // so throughput and CPU per request are two readings of one cost.
  // The machine's 1-minute load average travels with each run: timed figures mean something only when it is low.
  return {
    ...result,
    cpuUsPerRequest,
    gatewayBusy: cpuDuring / wall,
    gatewayCore,
    loadCore,
    loadAverage: loadavg()[0],
  };
}

/**
 * Warms one phase up: 1-second runs until at least `minSeconds` have passed, `minRequests` were served, and CPU
 * per request stopped falling (the last run within 5% of the one before), or `maxSeconds` passed. A fixed warm-up
 * suits the variant it was tuned on; a variant with more code (tracing, limits) tiers up later, and a loaded
 * machine serves fewer requests per second, so the warm-up runs until the gateway is warm instead.
 */
export async function warmUp(request, pid, { minSeconds, maxSeconds, minRequests }) {
  let requests = 0;
  let previous = Number.POSITIVE_INFINITY;
  for (let second = 1; second <= maxSeconds; second++) {
    const cpuBefore = cpuSeconds(pid);
    const result = await drive({ ...request, seconds: 1 });
    requests += result.requests;
    // A second that served nothing (a stalled machine) never counts as settled.
    const cpuPerRequest = result.requests ? (cpuSeconds(pid) - cpuBefore) / result.requests : Number.POSITIVE_INFINITY;
    const stable = Number.isFinite(cpuPerRequest) && cpuPerRequest >= previous * 0.95;
    previous = cpuPerRequest;
    if (second >= minSeconds && requests >= minRequests && stable) return { seconds: second, requests };
  }
  return { seconds: maxSeconds, requests };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const spread = (values) => ({ median: median(values), min: Math.min(...values), max: Math.max(...values), values });

/** The medians of a variant's rounds in one mode, and its paired ratios against the baseline's same rounds. */
function summarise(runs, baselineRuns) {
  const of = (key) => runs.map((run) => run[key]);
  const summary = {
    rps: median(of('rps')),
    p50: median(of('p50')),
    p99: median(of('p99')),
    cpuUsPerRequest: median(of('cpuUsPerRequest')),
    gatewayBusy: median(of('gatewayBusy')),
    loadCore: median(of('loadCore')),
    requests: of('requests').reduce((a, b) => a + b, 0),
    failed: of('failed').reduce((a, b) => a + b, 0),
    runs,
  };
  if (baselineRuns) {
    // Throughput: this ÷ baseline. CPU: baseline µs ÷ this µs, so both read "share of the baseline's throughput".
    summary.ratio = spread(runs.map((run, i) => run.rps / baselineRuns[i].rps));
    summary.cpuRatio = spread(runs.map((run, i) => baselineRuns[i].cpuUsPerRequest / run.cpuUsPerRequest));
  }
  return summary;
}

/**
 * Compares `variants` in `rounds` paired rounds. `servers` maps a name to a function that starts a fresh server
 * (`{ url, pid, stop }`); a variant names its server, its request (`path`, `model`, `bodyOf(model, stream)`), and
 * the variant it is compared with (`baseline`; the baseline itself has none). `inspect(running)` runs at the end
 * of each round before the servers stop; the last round's answer is returned as `inspected`.
 * Returns `{ [variant]: { nonStream, stream }, inspected }`, each mode with the medians over rounds, the raw
 * rounds, and for compared variants `ratio` and `cpuRatio` as `{ median, min, max, values }`.
 */
export async function compareInRounds({ servers, variants, rounds, seconds, warmup, connections, cores, inspect }) {
  const phases = Object.keys(MODES).flatMap((mode) => Object.keys(variants).map((name) => ({ name, mode })));
  const runs = Object.fromEntries(
    Object.keys(variants).map((name) => [name, Object.fromEntries(Object.keys(MODES).map((mode) => [mode, []]))]),
  );
  let inspected;
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    const running = {};
    try {
      for (const [name, start] of Object.entries(servers)) running[name] = await start();
      const requestOf = ({ name, mode }) => {
        const { server, path = '/v1/chat/completions', model = 'bench', bodyOf = chatBody } = variants[name];
        return {
          request: {
            url: `${running[server].url}${path}`,
            body: bodyOf(model, MODES[mode]),
            token: TOKEN,
            connections,
            core: cores.load,
          },
          pid: running[server].pid,
        };
      };
      const order = (round % 2 ? [...phases].reverse() : phases).map((phase) => ({ ...phase, ...requestOf(phase) }));
      for (const phase of order) phase.warmup = await warmUp(phase.request, phase.pid, warmup);
      // The last warm-up's trailing work must not run into the first measurement (on the same core).
      for (const server of Object.values(running)) await settle(server.pid);
      for (const { name, mode, request, pid, warmup: warmedBy } of order) {
        const run = await measureOnce(request, pid, seconds, cores);
        runs[name][mode].push({ round, ...run, warmup: warmedBy });
      }
      if (inspect) inspected = await inspect(running);
    } finally {
      for (const server of Object.values(running)) await server.stop();
    }
    process.stderr.write(
      `  round ${round + 1}/${rounds} done, ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
    );
  }
  const result = {};
  for (const [name, { baseline }] of Object.entries(variants)) {
    result[name] = Object.fromEntries(
      Object.keys(MODES).map((mode) => [mode, summarise(runs[name][mode], baseline && runs[baseline][mode])]),
    );
  }
  return inspected === undefined ? result : { ...result, inspected };
}
