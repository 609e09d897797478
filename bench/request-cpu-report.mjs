// node bench/request-cpu-report.mjs <one-connection log> <probe file>: for the gateway's requests at one
// connection, what ran in each one's window (from the previous request's finish to its own), by thread: the
// share of requests whose window held >0.2 ms of the SQLite writer's CPU, of the other threads' (V8's compiler
// and GC helpers), or a main-thread GC pause, per 1,000 requests in order (a warm-up still compiling shows as
// the first rows), and the same among the requests at or above the gateway series' 99th percentile.
// See bench/request-cpu-probe.mjs.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';

const [logFile, probeFile] = process.argv.slice(2);
const log = JSON.parse(readFileSync(logFile, 'utf8'));
const probe = JSON.parse(readFileSync(probeFile, 'utf8'));
const workers = readdirSync(dirname(probeFile))
  .filter((name) => name.startsWith(`${basename(probeFile)}.worker-`))
  .map((name) => name.split('.worker-')[1]);
const main = String(probe.pid);
const ms = (ns) => ns / 1e6;
const at = (list, q) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(q * list.length))];

/** Each recorded gateway request joined with the probe's request that started inside it. */
const requests = probe.requests.sort((a, b) => a[0] - b[0]);
const rows = [];
let j = 0;
for (const [side, start, wall] of log) {
  if (side !== 'gateway') continue;
  while (j < requests.length && requests[j][0] < start - 0.05) j++;
  if (j === 0 || j >= requests.length || requests[j][0] > start + wall) continue;
  const before = requests[j - 1][3];
  const after = requests[j][3];
  const ran = (tid) => ms((after[tid] ?? 0) - (before[tid] ?? after[tid] ?? 0));
  let writer = 0;
  let others = 0;
  for (const tid of Object.keys(after)) {
    if (tid === main) continue;
    if (workers.includes(tid)) writer += ran(tid);
    else others += ran(tid);
  }
  const gc = probe.gc.some(([t, d]) => t < start + wall && t + d > start);
  rows.push({ wall, writer, others, gc });
}
const share = (set, test) => `${((100 * set.filter(test).length) / Math.max(1, set.length)).toFixed(1)}%`;
const line = (set) =>
  `writer >0.2 ms ${share(set, (r) => r.writer > 0.2)}, other threads >0.2 ms ${share(set, (r) => r.others > 0.2)}, GC ${share(set, (r) => r.gc)}; writer ${((1000 * set.reduce((a, r) => a + r.writer, 0)) / set.length).toFixed(0)} µs and other threads ${((1000 * set.reduce((a, r) => a + r.others, 0)) / set.length).toFixed(0)} µs a request`;
console.log(`${rows.length} gateway requests joined`);
for (let i = 0; i < rows.length; i += 1000) console.log(`requests ${i}-${i + 999}: ${line(rows.slice(i, i + 1000))}`);
const p99 = at(
  rows.map((r) => r.wall),
  0.99,
);
console.log(`all: ${line(rows)}`);
console.log(`at or above p99 (${p99.toFixed(3)} ms): ${line(rows.filter((r) => r.wall >= p99))}`);
