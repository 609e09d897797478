// node bench/syscall-probe.mjs [requests] [--rounds=3] [--stream] [--only=off,tracing,memory,redis] [--connections=64] [--no-strace]: what a gateway variant
// costs on the kernel's side and off the request, per request, where callgrind (user space only) does not look.
// One fresh gateway per variant (pinned to core 0 as in the paired rounds), warmed with 10,000 requests at 64
// connections, then, for `requests` more: user and system CPU of all its threads (/proc/<pid>/stat), voluntary and
// involuntary context switches (/proc/<pid>/task/*/status), and, in a second window of the same size, every
// system call of every thread (`strace -c -f` attached to each task; strace slows the gateway, so that window's
// CPU is not quoted). Tracing: OTLP exports received by bench/otlp-sink.mjs, their size and the TCP connections
// they came on. Redis (a private redis-server on a free port, bench/bench-redis.mjs): commands per request from
// `INFO commandstats`, and the connections the gateway opened. Needs `npm run build` first.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { startBenchRedis } from './bench-redis.mjs';
import { body, LIMITED, pinnedSpawn, SINGLE, sendChat, waitForLine } from './scenarios.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const REQUESTS = Number(args[0] ?? 20_000);
const STREAM = process.argv.includes('--stream');
const ONLY = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const CONNECTIONS = Number(process.argv.find((a) => a.startsWith('--connections='))?.slice(14) ?? 64);
const TICK_US = 1e6 / 100;

const upstream = pinnedSpawn(1, [join(root, 'bench/fake-upstream.mjs'), '0'], {});
const upstreamPort = Number((await waitForLine(upstream, /^(\d+)\n/))[1]);
const sink = pinnedSpawn(1, [join(root, 'bench/otlp-sink.mjs'), '0'], {});
const sinkPort = Number((await waitForLine(sink, /^(\d+)\n/))[1]);
const redis = await startBenchRedis(1);
const upstreamUrl = `http://127.0.0.1:${upstreamPort}/v1`;
const variants = {
  off: `${SINGLE(upstreamUrl)}metrics: { enabled: false }\n`,
  tracing: `${SINGLE(upstreamUrl)}metrics: { enabled: false }\ntelemetry: { otlp: { endpoint: "http://127.0.0.1:${sinkPort}", sample_ratio: 1 } }\n`,
  memory: `${LIMITED('')(upstreamUrl)}metrics: { enabled: false }\n`,
  redis: `${LIMITED(`redis: ${redis.url}\n`)(upstreamUrl)}metrics: { enabled: false }\n`,
};

/** [user µs, system µs, minor page faults] of a process, all its threads. */
function cpuUs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return [Number(fields[11]) * TICK_US, Number(fields[12]) * TICK_US, Number(fields[7])];
}
/** [voluntary, involuntary] context switches summed over a process's threads. */
function switches(pid) {
  let voluntary = 0;
  let involuntary = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
    voluntary += Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)[1]);
    involuntary += Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(status)[1]);
  }
  return [voluntary, involuntary];
}
/** The TCP connections a process holds to a port (from /proc/net/tcp and its socket inodes). */
function connectionsTo(pid, port) {
  const inodes = new Set();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match) inodes.add(match[1]);
    } catch {}
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length > 9 && f[2]?.endsWith(`:${hexPort}`) && inodes.has(f[9])).length;
}

async function commandstats() {
  const out = await new Promise((resolve) => {
    const port = new URL(redis.url).port;
    const child = spawn('redis-cli', ['-p', port, 'info', 'commandstats'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (c) => {
      text += c;
    });
    child.on('close', () => resolve(text));
  });
  const calls = {};
  for (const [, name, count, usec] of out.matchAll(/cmdstat_(\w+):calls=(\d+),usec=(\d+)/g))
    calls[name] = { calls: Number(count), usec: Number(usec) };
  return calls;
}

const payload = body('bench', STREAM);
let failures = 0;
async function send(pool, count) {
  // A loaded machine makes the fake upstream refuse a few connections (502): counted and reported, as a window
  // with failures does less work per request than one without.
  failures += await sendChat(pool, payload, count, CONNECTIONS, { countFailures: true });
}
function sinkStats() {
  sink.kill('SIGUSR2');
  return waitForLine(sink, /sink: (\d+) exports, (\d+) bytes, (\d+) connections\n/).then((m) => m.slice(1).map(Number));
}

async function start(name, config) {
  const dir = mkdtempSync(join(tmpdir(), 'amg-sys-'));
  writeFileSync(join(dir, 'gateway.yaml'), config);
  const gateway = pinnedSpawn(
    0,
    [join(root, 'dist/cli/main.js'), 'serve', '--config', join(dir, 'gateway.yaml'), '--listen', '127.0.0.1:0'],
    { AMG_ADMIN_TOKEN: 'bench-admin-token', AMG_LOG_LEVEL: 'warn' },
  );
  gateway.stderr.resume();
  const [, url] = await waitForLine(gateway, /API\s+(http:\/\/[\d.]+:\d+)/);
  gateway.stdout.resume();
  const pid =
    Number(readFileSync(`/proc/${gateway.pid}/task/${gateway.pid}/children`, 'utf8').trim().split(' ')[0]) ||
    gateway.pid;
  const pool = new Pool(url, { connections: CONNECTIONS });
  await send(pool, 10_000);
  return { name, dir, gateway, pid, pool, sums: { user: 0, system: 0, faults: 0, voluntary: 0, involuntary: 0 } };
}

/** One measured window of `REQUESTS` requests: CPU, page faults and context switches added to the gateway's sums. */
async function measure(g) {
  const before = [...cpuUs(g.pid), ...switches(g.pid)];
  const sinkBefore = g.name === 'tracing' ? await sinkStats() : undefined;
  const redisBefore = g.name === 'redis' ? await commandstats() : undefined;
  const serverBefore = g.name === 'redis' && redis.pid ? cpuUs(redis.pid) : undefined;
  await send(g.pool, REQUESTS);
  await new Promise((r) => setTimeout(r, 1200));
  const after = [...cpuUs(g.pid), ...switches(g.pid)];
  ['user', 'system', 'faults', 'voluntary', 'involuntary'].forEach((key, i) => {
    g.sums[key] += after[i] - before[i];
  });
  if (sinkBefore) {
    const sinkAfter = await sinkStats();
    g.exports = (g.exports ?? [0, 0, 0]).map((x, i) => x + sinkAfter[i] - sinkBefore[i]);
  }
  if (serverBefore) {
    // The redis-server's own CPU (all of it: commands, socket reads and writes, its event loop and cron), which
    // the bench spends on the load core beside the fake upstream and the load tool.
    const serverAfter = cpuUs(redis.pid);
    g.serverUs = (g.serverUs ?? 0) + serverAfter[0] + serverAfter[1] - serverBefore[0] - serverBefore[1];
  }
  if (redisBefore) {
    const redisAfter = await commandstats();
    g.redis ??= {};
    for (const [cmd, { calls, usec }] of Object.entries(redisAfter)) {
      g.redis[cmd] ??= { calls: 0, usec: 0 };
      const sum = g.redis[cmd];
      sum.calls += calls - (redisBefore[cmd]?.calls ?? 0);
      sum.usec += usec - (redisBefore[cmd]?.usec ?? 0);
    }
  }
}

async function straceWindow(g) {
  const tids = readdirSync(`/proc/${g.pid}/task`);
  const out = join(g.dir, 'strace.txt');
  const strace = spawn('strace', ['-c', '-f', '-o', out, ...tids.flatMap((t) => ['-p', t])], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1000));
  await send(g.pool, REQUESTS);
  await new Promise((r) => setTimeout(r, 1200));
  strace.kill('SIGINT');
  await new Promise((r) => strace.once('exit', r));
  const rows = [...readFileSync(out, 'utf8').matchAll(/^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)$/gm)]
    .map(([, calls, call]) => [call, Number(calls)])
    .filter(([call]) => call !== 'total')
    .sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((sum, [, calls]) => sum + calls, 0);
  return `syscalls/request ${(total / REQUESTS).toFixed(2)}: ${rows
    .slice(0, 12)
    .map(([call, calls]) => `${call} ${(calls / REQUESTS).toFixed(3)}`)
    .join(', ')}`;
}

function report(g, rounds) {
  const n = REQUESTS * rounds;
  const per = (x) => (x / n).toFixed(2);
  const { user, system, faults, voluntary, involuntary } = g.sums;
  console.log(
    `${g.name}: CPU µs/request user ${per(user)} system ${per(system)}; minor faults/request ${per(faults)}; context switches/request voluntary ${per(voluntary)} involuntary ${per(involuntary)}; threads ${readdirSync(`/proc/${g.pid}/task`).length}`,
  );
  if (g.exports) {
    const [exports, bytes] = g.exports;
    console.log(
      `  OTLP: ${exports} exports for ${n} requests (${(bytes / Math.max(exports, 1) / 1024).toFixed(0)} kB each, ${(bytes / n).toFixed(0)} B/request), new sink connections ${g.exports[2]}; gateway connections to the sink ${connectionsTo(g.pid, sinkPort)}`,
    );
  }
  if (g.redis) {
    const lines = Object.entries(g.redis)
      .filter(([, { calls }]) => calls > 0)
      .map(
        ([cmd, { calls, usec }]) => `${cmd} ${((calls * 1000) / n).toFixed(2)} (${(usec / calls).toFixed(0)} µs each)`,
      );
    console.log(
      `  Redis commands per 1,000 requests: ${lines.join(', ')}; gateway connections to Redis ${connectionsTo(g.pid, Number(new URL(redis.url).port))}`,
    );
    if (g.serverUs !== undefined)
      console.log(`  redis-server CPU µs/request ${per(g.serverUs)} (/proc, user + system)`);
  }
}

const ROUNDS = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 3);
const gateways = [];
try {
  for (const [name, config] of Object.entries(variants))
    if (!ONLY || ONLY.includes(name)) gateways.push(await start(name, config));
  for (let round = 0; round < ROUNDS; round++)
    for (const g of round % 2 ? [...gateways].reverse() : gateways) await measure(g);
  for (const g of gateways) report(g, ROUNDS);
  if (failures > 0) console.log(`${failures} requests failed (not 200): the figures above include them`);
  if (!process.argv.includes('--no-strace'))
    for (const g of gateways) console.log(`${g.name} ${await straceWindow(g)}`);
} finally {
  for (const g of gateways) {
    await g.pool.close();
    g.gateway.kill('SIGINT');
    rmSync(g.dir, { recursive: true, force: true });
  }
  upstream.kill('SIGTERM');
  sink.kill('SIGTERM');
  await redis.stop();
}
