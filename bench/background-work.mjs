// node bench/background-work.mjs [requests] [--node-flags "<flags>"] [--no-probe] [--load-seconds N]: counts, for
// issue 14's p99 at one connection, what the gateway does besides the request at hand, in figures that load does
// not change. bench:memory's config and pinning (gateway on core 0, upstream and client on core 1); optionally a
// 50-connection phase first (--load-seconds, as bench:memory's, so the heap and JIT are in the same state); a
// warm-up (--warm-up pairs, default 4,000 as bench:memory's); then `requests` pairs at one connection (bench/one-connection.mjs). Around the measured
// pairs it reads every gateway thread's voluntary and involuntary context switches and CPU time
// (/proc/<pid>/task/*/{status,stat,comm}): which threads wake while requests go one at a time. Unless --no-probe,
// the gateway runs bench/main-thread-tasks.mjs, which lists its main thread's callbacks by origin (how often, with
// a request in flight or not, median wall time). An idle window of the same length follows, with the same counts.
// AMG_DIST=<dir>: another build's output (a copy of dist/ inside the checkout). Needs `npm run build` first.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { drive } from './load.mjs';
import { body, oneConnection, pinnedSpawn, SINGLE, TOKEN, waitForLine } from './scenarios.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const value = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const PAIRS = Number(args.find((a) => /^\d+$/.test(a)) ?? 3000);
const NODE_FLAGS = (value('--node-flags') ?? '').split(/\s+/).filter(Boolean);
const PROBE = !args.includes('--no-probe');
const LOAD_SECONDS = Number(value('--load-seconds') ?? 0);
const WARM_UP = Number(value('--warm-up') ?? 4000);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Per thread: name, voluntary and involuntary context switches, CPU ticks (utime + stime, 10 ms each). */
function threads(pid) {
  const out = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      const schedstat = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ');
      out.set(tid, {
        name: readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim(),
        voluntary: Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)[1]),
        involuntary: Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(status)[1]),
        cpu_ms: Number(schedstat[0]) / 1e6,
        slices: Number(schedstat[2]),
        ticks: Number(stat[11]) + Number(stat[12]),
      });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

function delta(before, after, pid) {
  const rows = [];
  for (const [tid, a] of after) {
    const b = before.get(tid) ?? { voluntary: 0, involuntary: 0, cpu_ms: 0, slices: 0 };
    const row = {
      tid: tid === String(pid) ? `${tid} (main)` : tid,
      name: a.name,
      voluntary: a.voluntary - b.voluntary,
      involuntary: a.involuntary - b.involuntary,
      slices: a.slices - b.slices,
      cpu_ms: Math.round((a.cpu_ms - b.cpu_ms) * 10) / 10,
      new: !before.has(tid),
    };
    if (row.voluntary || row.involuntary || row.slices || row.new) rows.push(row);
  }
  return rows;
}

const upstream = pinnedSpawn(1, [join(root, 'bench/fake-upstream.mjs'), '0'], {});
const direct = `http://127.0.0.1:${Number((await waitForLine(upstream, /^(\d+)\n/))[1])}`;
const dir = mkdtempSync(join(tmpdir(), 'amg-background-'));
writeFileSync(join(dir, 'gateway.yaml'), SINGLE(`${direct}/v1`));
const probeFile = join(dir, 'tasks.json');
const gateway = pinnedSpawn(
  0,
  [
    ...NODE_FLAGS,
    ...(PROBE ? ['--import', join(root, 'bench/main-thread-tasks.mjs')] : []),
    join(root, process.env.AMG_DIST ?? 'dist', 'cli/main.js'),
    'serve',
    '--config',
    join(dir, 'gateway.yaml'),
    '--listen',
    '127.0.0.1:0',
  ],
  { AMG_ADMIN_TOKEN: 'bench-admin-token-0123456789', AMG_LOG_LEVEL: 'warn', AMG_TASKS_PROBE_FILE: probeFile },
);
const url = (await waitForLine(gateway, /API\s+(http:\/\/[\d.]+:\d+)/))[1];
// Read what the gateway prints (a full pipe would stop it); with --trace-gc in the flags, its collections are
// counted in the measured window (the main thread's isolate is the one with the larger heap, as bench:memory reads).
let printed = '';
let counting = false;
const onPrinted = (chunk) => {
  if (counting) printed += chunk;
};
gateway.stdout.on('data', onPrinted);
gateway.stderr.on('data', onPrinted);
await sleep(2_000);
if (LOAD_SECONDS > 0) {
  await drive({
    url: `${url}/v1/chat/completions`,
    body: body('bench', false),
    token: TOKEN,
    connections: 50,
    seconds: LOAD_SECONDS,
    core: 1,
  });
}
await oneConnection(url, direct, WARM_UP, 0);
if (PROBE) {
  gateway.kill('SIGUSR2');
  await sleep(100);
}
const before = threads(gateway.pid);
const t0 = Date.now();
counting = true;
const result = await oneConnection(url, direct, PAIRS, 0);
counting = false;
const seconds = (Date.now() - t0) / 1000;
const collections = new Map();
for (const [, isolate, kind] of printed.matchAll(/^\[\d+:(0x[0-9a-f]+)\][^\n]*?(Scavenge|Mark-Compact)/gm)) {
  const counts = collections.get(isolate) ?? {};
  counts[kind] = (counts[kind] ?? 0) + 1;
  collections.set(isolate, counts);
}
const busy = delta(before, threads(gateway.pid), gateway.pid);
// The same length of time with no traffic: what wakes without requests.
const idleBefore = threads(gateway.pid);
await sleep(seconds * 1000);
const idle = delta(idleBefore, threads(gateway.pid), gateway.pid);
const exited = new Promise((resolve) => gateway.once('exit', resolve));
gateway.kill('SIGTERM');
await exited;
upstream.kill('SIGTERM');
const tasks = PROBE ? JSON.parse(readFileSync(probeFile, 'utf8')) : undefined;
rmSync(dir, { recursive: true, force: true });

const table = (rows) =>
  rows
    .map(
      (r) =>
        `  ${r.tid.padEnd(14)} ${r.name.padEnd(16)} vol ${String(r.voluntary).padStart(6)}  invol ${String(r.involuntary).padStart(5)}  slices ${String(r.slices).padStart(6)}  cpu ${String(r.cpu_ms).padStart(7)} ms${r.new ? '  (new)' : ''}`,
    )
    .join('\n');
console.log(`load average ${loadavg()[0].toFixed(1)}; node flags: ${NODE_FLAGS.join(' ') || '(none)'}`);
console.log(
  `${PAIRS} gateway requests at 1 connection in ${seconds.toFixed(1)} s (added p50 ${result.added.p50} / p99 ${result.added.p99} ms, timed: not comparable on a loaded machine)`,
);
if (collections.size) console.log(`collections per isolate (--trace-gc): ${JSON.stringify([...collections.values()])}`);
console.log(`threads that ran during the requests:\n${table(busy)}`);
console.log(`threads that ran in the same time idle afterwards:\n${table(idle)}`);
if (tasks) {
  console.log(
    `main-thread callbacks during the requests (${tasks.requests} requests, ${tasks.seconds.toFixed(1)} s; per 1,000 requests, share run with a request in flight, median / p99 wall µs, total ms):`,
  );
  console.log(`  collections (entries, by kind): ${JSON.stringify(tasks.gc)}`);
  for (const g of tasks.groups.filter((g) => g.runs > 0).slice(0, Number(value('--top') ?? 40))) {
    console.log(
      `  ${((1000 * g.runs) / tasks.requests).toFixed(1).padStart(8)}  ${String(Math.round((100 * g.in_request) / g.runs)).padStart(3)}%  ${String(g.median_us).padStart(5)} / ${String(g.p99_us).padStart(6)}  ${String(g.total_ms).padStart(7)}  ${g.key}`,
    );
  }
}
if (value('--json')) writeFileSync(value('--json'), JSON.stringify({ result, busy, idle, tasks }, null, 2));
