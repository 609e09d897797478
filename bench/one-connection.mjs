// Added latency at one connection with microsecond resolution: one keep-alive connection to the gateway and one
// straight to the fake upstream, requests sent one at a time and alternating between the two, so both series meet
// the same moments of a shared machine. autocannon rounds to whole milliseconds, which hides what this measures.
// Usage: node bench/one-connection.mjs <gateway url> <direct url> <token> <body> [pairs] [warm-up pairs]
// Prints JSON: p50/p90/p99/p99.9/max in ms for each series, and the added p50/p99 (gateway minus direct).
import { writeFileSync } from 'node:fs';
import { Pool } from 'undici';

const [gatewayUrl, directUrl, token, body] = process.argv.slice(2, 6);
const pairs = Number(process.argv[6] ?? 5000);
/**
 * Warm-up pairs, not recorded. 500 was too few for V8's tiers: the gateway's TurboFan compiler and GC helper
 * threads (pinned to the gateway's core with its event loop) used ~270 ms more CPU during the first ~3,000
 * recorded gateway requests than in any later 3,000 (recompilations of the HTTP, undici and routing functions
 * after deopts the 1-connection traffic causes, measured from /proc/<pid>/task/<tid>/schedstat), so the first
 * ~60% of the series measured the compilers competing with requests, not the steady state. Both series get the
 * same warm-up.
 */
const warmUp = Number(process.argv[7] ?? 4000);
const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };

/** With $AMG_ONE_CONNECTION_LOG, each recorded request as [side, start (epoch ms), ms] (bench/request-cpu-report.mjs). */
const LOG = process.env.AMG_ONE_CONNECTION_LOG;
const log = [];

function client(url, side) {
  const target = new URL(url);
  return { side, pool: new Pool(target.origin, { connections: 1, pipelining: 1 }), path: target.pathname, ms: [] };
}

async function send(side, record) {
  const started = process.hrtime.bigint();
  const response = await side.pool.request({ path: side.path, method: 'POST', body, headers });
  await response.body.dump();
  if (response.statusCode !== 200) throw new Error(`${side.path} answered ${response.statusCode}`);
  if (!record) return;
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  side.ms.push(ms);
  if (LOG) log.push([side.side, performance.timeOrigin + performance.now() - ms, ms]);
}

function summary(list) {
  const sorted = [...list].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const r = (n) => Math.round(n * 1000) / 1000;
  return {
    count: sorted.length,
    p50: r(at(0.5)),
    p90: r(at(0.9)),
    p99: r(at(0.99)),
    p999: r(at(0.999)),
    max: r(at(1)),
  };
}

const gateway = client(gatewayUrl, 'gateway');
const direct = client(directUrl, 'direct');
for (let i = 0; i < warmUp + pairs; i++) {
  const record = i >= warmUp;
  // Alternate which side goes first so neither always follows the other's work.
  const [first, second] = i % 2 ? [gateway, direct] : [direct, gateway];
  await send(first, record);
  await send(second, record);
}
await Promise.all([gateway.pool.close(), direct.pool.close()]);
if (LOG) writeFileSync(LOG, JSON.stringify(log));
const g = summary(gateway.ms);
const d = summary(direct.ms);
const r = (n) => Math.round(n * 1000) / 1000;
process.stdout.write(
  JSON.stringify({ gateway: g, direct: d, added: { p50: r(g.p50 - d.p50), p99: r(g.p99 - d.p99) } }),
);
