// npm run bench:memory [-- --soak-minutes N] [-- --heap-snapshot] [-- --node-flags "<flags>"]: the gateway's
// memory and its added latency at one connection, on the bench's fake upstream with its pinning. Idle RSS (before
// any traffic, split into anonymous memory and mapped files), peak RSS (sampled VmRSS) under 50 connections of
// non-stream and stream traffic, p50/p99 at 1 connection direct and through the gateway with microsecond
// resolution (bench/one-connection.mjs), and with --soak-minutes RSS every 10 s under 50 connections (flat or
// growing). --heap-snapshot writes idle and post-load heap snapshots of the gateway (--heapsnapshot-signal)
// beside its data directory; --node-flags runs the gateway with extra Node/V8 flags, to compare variants.
// AMG_DIST=<dir>: another build's output (a copy of dist/ inside the checkout), for A/Bs of two builds.
// Writes bench/results/memory.{json,md}.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { drive } from './load.mjs';
import { body, oneConnection, pinnedSpawn, TOKEN, waitForLine } from './scenarios.mjs';

const root = new URL('..', import.meta.url).pathname;
const soakArg = process.argv.indexOf('--soak-minutes');
const SOAK_MINUTES = soakArg > 0 ? Number(process.argv[soakArg + 1]) : 0;
const SNAPSHOTS = process.argv.includes('--heap-snapshot');
const flagsArg = process.argv.indexOf('--node-flags');
const NODE_FLAGS = flagsArg > 0 ? process.argv[flagsArg + 1].split(/\s+/).filter(Boolean) : [];
const PAIRS = 5_000;
/** bench/one-connection.mjs's unrecorded warm-up pairs (its default): the gateway answers WARM_UP + PAIRS requests. */
const WARM_UP = 4_000;
/** --trace-gc: the gateway logs each collection; the report counts those made during the 1-connection phase. */
const TRACE_GC = process.argv.includes('--trace-gc');
/** --gc-log <file>: writes what the gateway printed during the 1-connection phase (e.g. --trace-gc-nvp lines). */
const gcLogArg = process.argv.indexOf('--gc-log');
const GC_LOG_FILE = gcLogArg > 0 ? process.argv[gcLogArg + 1] : undefined;

/**
 * V8's --trace-gc lines: how many scavenges and mark-compacts, and their pauses (ms), per isolate. The gateway has
 * two (its main thread and the SQLite writer thread) and only the main thread's pauses hold up a request; the
 * writer's collections run on its own thread. Each line names its isolate ([pid:address]); the main thread's is
 * the one with the larger heap (~20-30 MB against the writer's ~8-12 MB).
 */
function gcPauses(text) {
  const isolates = new Map();
  for (const line of text.split('\n')) {
    const match =
      /^\[\d+:(0x[0-9a-f]+)\].*?(Scavenge|Mark-Compact)\S*?(?: \([^)\d]*\))? ([\d.]+) [^,]*, ([\d.]+) \/ [\d.]+ ms/.exec(
        line,
      );
    if (!match) continue;
    const isolate = isolates.get(match[1]) ?? { heapMb: 0, scavenge: [], markCompact: [] };
    isolate.heapMb = Math.max(isolate.heapMb, Number(match[3]));
    isolate[match[2] === 'Scavenge' ? 'scavenge' : 'markCompact'].push(Number(match[4]));
    isolates.set(match[1], isolate);
  }
  const sum = (list) => ({
    count: list.length,
    median_ms: list.sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? null,
    max_ms: list.length ? list[list.length - 1] : null,
  });
  const [main, ...workers] = [...isolates.values()].sort((a, b) => b.heapMb - a.heapMb);
  const pauses = (isolate) => ({
    scavenge: sum(isolate?.scavenge ?? []),
    mark_compact: sum(isolate?.markCompact ?? []),
  });
  return {
    main: pauses(main),
    workers: pauses({
      scavenge: workers.flatMap((w) => w.scavenge),
      markCompact: workers.flatMap((w) => w.markCompact),
    }),
  };
}
const gcText = (gc) =>
  `${gc.scavenge.count} scavenges (median ${gc.scavenge.median_ms} / max ${gc.scavenge.max_ms} ms), ${gc.mark_compact.count} mark-compacts (median ${gc.mark_compact.median_ms} / max ${gc.mark_compact.max_ms} ms)`;
/** The gateway's CPU time so far (all its threads), in ms: /proc/<pid>/stat utime + stime, in clock ticks of 10 ms. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
const CONNECTIONS = 50;
const SECONDS = 8;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function statusMb(pid, field) {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 102.4) / 10 : null;
}

const CONFIG = (upstream) => `storage: sqlite:./gateway.db
providers:
  - { name: up, type: openai, base_url: ${upstream}/v1, api_key: sk-bench, allow_private_network: true, max_connections: 256 }
clients: [{ name: bench, token: ${TOKEN} }]
models:
  - { name: bench, targets: [{ provider: up, model: m1 }] }
`;

async function main() {
  const upstream = pinnedSpawn(1, [join(root, 'bench/fake-upstream.mjs'), '0'], {});
  const direct = `http://127.0.0.1:${Number((await waitForLine(upstream, /^(\d+)\n/))[1])}`;
  const dir = mkdtempSync(join(tmpdir(), 'amg-memory-'));
  writeFileSync(join(dir, 'gateway.yaml'), CONFIG(direct));
  const flags = [
    ...NODE_FLAGS,
    ...(TRACE_GC ? ['--trace-gc'] : []),
    ...(SNAPSHOTS ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`] : []),
  ];
  const gateway = pinnedSpawn(
    0,
    [
      ...flags,
      join(root, process.env.AMG_DIST ?? 'dist', 'cli/main.js'),
      'serve',
      '--config',
      join(dir, 'gateway.yaml'),
      '--listen',
      '127.0.0.1:0',
    ],
    { AMG_ADMIN_TOKEN: 'bench-admin-token-0123456789', AMG_LOG_LEVEL: 'warn' },
  );
  const url = (await waitForLine(gateway, /API\s+(http:\/\/[\d.]+:\d+)/))[1];
  await sleep(3_000);
  const idle = statusMb(gateway.pid, 'VmRSS');
  const idleSplit = { anon: statusMb(gateway.pid, 'RssAnon'), file: statusMb(gateway.pid, 'RssFile') };
  const loadBefore = loadavg()[0];
  const snapshot = async () => {
    if (!SNAPSHOTS) return;
    gateway.kill('SIGUSR2');
    await sleep(4_000);
  };
  await snapshot();
  const load = (target, stream, connections, seconds = SECONDS) =>
    drive({
      url: `${target}/v1/chat/completions`,
      body: body('bench', stream),
      token: TOKEN,
      connections,
      seconds,
      core: 1,
    });
  // Peak RSS sampled during the load (VmHWM would also count a heap snapshot's own transient memory).
  let peak = idle;
  let peakSplit = idleSplit;
  const sampler = setInterval(() => {
    const rss = statusMb(gateway.pid, 'VmRSS') ?? 0;
    if (rss <= peak) return;
    peak = rss;
    peakSplit = { anon: statusMb(gateway.pid, 'RssAnon'), file: statusMb(gateway.pid, 'RssFile') };
  }, 100);
  await load(url, false, CONNECTIONS, 2);
  // CPU per request (all the gateway's threads) is far less sensitive to a busy machine than req/s.
  const cpuPerRequest = async (stream) => {
    const before = cpuMs(gateway.pid);
    const result = await load(url, stream, CONNECTIONS);
    return { ...result, cpu_ms_per_request: (cpuMs(gateway.pid) - before) / Math.max(1, result.requests ?? 0) };
  };
  const nonStream = await cpuPerRequest(false);
  const stream = await cpuPerRequest(true);
  clearInterval(sampler);
  const afterLoad = statusMb(gateway.pid, 'VmRSS');
  await snapshot();
  let gcLog = '';
  gateway.stdout.on('data', (chunk) => {
    gcLog += chunk;
  });
  // One connection with microsecond resolution, gateway and direct requests alternating (the machine drifts).
  const one = await oneConnection(url, direct, PAIRS, WARM_UP);
  const gcOne = TRACE_GC ? gcPauses(gcLog) : null;
  if (GC_LOG_FILE) writeFileSync(GC_LOG_FILE, gcLog);
  const soak = [];
  if (SOAK_MINUTES > 0) {
    const end = Date.now() + SOAK_MINUTES * 60_000;
    while (Date.now() < end) {
      await load(url, Math.random() < 0.5, CONNECTIONS, 10);
      soak.push({
        s: Math.round((SOAK_MINUTES * 60_000 - (end - Date.now())) / 1000),
        mb: statusMb(gateway.pid, 'VmRSS'),
      });
    }
  }
  const exited = new Promise((resolve) => gateway.once('exit', resolve));
  gateway.kill('SIGTERM');
  await exited;
  upstream.kill('SIGTERM');
  const snapshots = SNAPSHOTS ? readdirSync(dir).filter((name) => name.endsWith('.heapsnapshot')) : [];
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    node_flags: NODE_FLAGS,
    load_average: { before: loadBefore, after: loadavg()[0] },
    idle_rss_mb: idle,
    idle_rss_split_mb: idleSplit,
    peak_rss_mb_50_connections: peak,
    peak_rss_split_mb: peakSplit,
    rss_after_load_mb: afterLoad,
    load: {
      non_stream_rps: nonStream.rps,
      stream_rps: stream.rps,
      non_stream_cpu_ms_per_request: nonStream.cpu_ms_per_request,
      stream_cpu_ms_per_request: stream.cpu_ms_per_request,
      failed: (nonStream.failed ?? 0) + (stream.failed ?? 0),
    },
    one_connection_ms: one,
    one_connection_gc: gcOne,
    soak_rss_mb: soak,
    heap_snapshots: snapshots.map((name) => join(dir, name)),
  };
  const o = report.one_connection_ms;
  const lines = [
    `# Memory and 1-connection latency (${report.date}, Node ${report.node})`,
    '',
    `- load average ${loadBefore.toFixed(1)} → ${report.load_average.after.toFixed(1)}${NODE_FLAGS.length ? `; gateway run with ${NODE_FLAGS.join(' ')}` : ''}`,
    `- idle RSS: ${idle} MB (target ≤ 70): ${idleSplit.anon} MB anonymous (heaps, stacks, malloc), ${idleSplit.file} MB mapped files (mostly the node binary)`,
    `- peak RSS after ${CONNECTIONS} connections (non-stream ${Math.round(nonStream.rps)} req/s, stream ${Math.round(stream.rps)} req/s): ${peak} MB (target ≤ 140; ${peakSplit.anon} MB anonymous, ${peakSplit.file} MB files); RSS after load ${afterLoad} MB`,
    `- gateway CPU per request (all threads, /proc stat): non-stream ${nonStream.cpu_ms_per_request.toFixed(3)} ms, stream ${stream.cpu_ms_per_request.toFixed(3)} ms`,
    `- 1 connection, non-stream, ${PAIRS} requests each, alternating: direct p50 ${o.direct.p50} / p99 ${o.direct.p99} / max ${o.direct.max} ms, gateway p50 ${o.gateway.p50} / p99 ${o.gateway.p99} / max ${o.gateway.max} ms → added p50 ${o.added.p50} / p99 ${o.added.p99} ms (target ≤ 1)`,
    ...(gcOne
      ? [
          `- collections in the gateway during the 1-connection phase (${WARM_UP + PAIRS} requests through it, warm-up included): main thread ${gcText(gcOne.main)} (scavenges in ${((100 * gcOne.main.scavenge.count) / (WARM_UP + PAIRS)).toFixed(2)}% of requests); writer thread ${gcText(gcOne.workers)}`,
        ]
      : []),
    ...(soak.length
      ? [`- soak (${SOAK_MINUTES} min, ${CONNECTIONS} connections): ${soak.map((x) => `${x.s}s ${x.mb}`).join(', ')}`]
      : []),
    ...(snapshots.length ? [`- heap snapshots: ${report.heap_snapshots.join(', ')}`] : []),
    '',
  ];
  if (!SNAPSHOTS) rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/memory.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(root, 'bench/results/memory.md'), lines.join('\n'));
  console.log(lines.join('\n'));
}

await main();
