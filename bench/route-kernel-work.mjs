// node bench/route-kernel-work.mjs [--strace] [--seconds=6] [--routes=via-openai,via-gemini,via-bedrock] (after
// npm run build): what each cloud route of `npm run bench` (section cloud) costs outside its own JavaScript, per
// request, counted rather than timed so the machine's load does not decide it. For each route, non-stream and
// stream, one gateway (bench/scenarios.mjs's DIALECTS, pinned like the bench's) is driven by wrk at 64 connections:
// read and write system calls and bytes (/proc/<pid>/io), the bytes the main thread allocates and its young and
// full collections (bench/alloc-probe.mjs preloaded), and the upstream connections the gateway holds afterwards.
// --strace: instead of the allocation, every system call of every thread (`strace -c -f`, which slows the
// gateway, so only the counts are read), connect() among them: an upstream connection opened per request shows
// up there. Timed CPU is deliberately not reported: on a loaded machine it says more about the neighbours.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { drive } from './load.mjs';
import { body, DIALECTS, pinnedSpawn, TOKEN, waitForLine } from './scenarios.mjs';

const root = new URL('..', import.meta.url).pathname;
const option = (name, fallback) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const STRACE = process.argv.includes('--strace');
const SECONDS = Number(option('seconds', '6'));
const ROUTES = option('routes', 'via-openai,via-gemini,via-bedrock').split(',');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** syscr, syscw, rchar and wchar of a process (all its threads) from /proc/<pid>/io. */
function io(pid) {
  const lines = readFileSync(`/proc/${pid}/io`, 'utf8').trim().split('\n');
  return Object.fromEntries(lines.map((line) => line.split(': ')).map(([key, value]) => [key, Number(value)]));
}

/** Established TCP connections to `port` (the gateway's upstream pool: kept alive, so churn would not show here). */
function connectionsTo(port) {
  const out = spawnSync('ss', ['-Htn', 'state', 'established', `( dport = :${port} )`], { encoding: 'utf8' });
  return out.stdout.split('\n').filter(Boolean).length;
}

/** Calls per request by name, from `strace -c`'s table (calls column; the errors column may be empty). */
function straceCounts(text, requests) {
  const rows = {};
  for (const line of text.split('\n')) {
    const match = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$/.exec(line);
    if (match && match[2] !== 'total') rows[match[2]] = Number(match[1]) / requests;
  }
  return rows;
}

/** The gateway with the allocation probe preloaded; `probe(re)` waits for the probe's next line matching re. */
async function startGateway(dir, upstreamPort) {
  const config = join(dir, 'gateway.yaml');
  writeFileSync(
    config,
    DIALECTS(`http://127.0.0.1:${upstreamPort}/v1`).replace('sqlite:./gateway.db', `sqlite:${dir}/gateway.db`),
  );
  const args = ['--import', join(root, 'bench/alloc-probe.mjs'), join(root, 'dist/cli/main.js')];
  const child = pinnedSpawn(0, [...args, 'serve', '--config', config, '--listen', '127.0.0.1:0'], {
    AMG_ADMIN_TOKEN: 'bench-admin-token',
    AMG_LOG_LEVEL: 'warn',
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const [, url] = await waitForLine(child, /API\s+(http:\/\/[\d.]+:\d+)/);
  const probe = async (re) => {
    for (;;) {
      const match = re.exec(stderr);
      if (match) {
        stderr = stderr.slice(match.index + match[0].length);
        return match;
      }
      await sleep(50);
    }
  };
  return { child, url, probe };
}

/** One measured run of a route: the load, and around it either the allocation probe or strace. */
async function measureRoute(gateway, dir, load) {
  const pid = gateway.child.pid;
  const before = io(pid);
  let tracer;
  if (STRACE) {
    tracer = spawn('strace', ['-c', '-f', '-o', join(dir, 'strace.txt'), '-p', String(pid)], { stdio: 'ignore' });
    await sleep(1500);
  } else {
    gateway.child.kill('SIGUSR2');
    await gateway.probe(/alloc-start\n/);
  }
  const run = await drive({ ...load, seconds: SECONDS });
  const after = io(pid);
  const per = (n) => n / run.requests;
  const row = {
    requests: run.requests,
    failed: run.failed,
    syscr: per(after.syscr - before.syscr),
    syscw: per(after.syscw - before.syscw),
    rchar: per(after.rchar - before.rchar),
    wchar: per(after.wchar - before.wchar),
  };
  if (tracer) {
    const exited = new Promise((resolve) => tracer.once('exit', resolve));
    tracer.kill('SIGINT');
    await exited;
    row.syscalls = straceCounts(readFileSync(join(dir, 'strace.txt'), 'utf8'), run.requests);
  } else {
    gateway.child.kill('SIGUSR2');
    const [, bytes, scavenges, markCompacts] = await gateway.probe(/alloc (\d+) (\d+) (\d+)\n/);
    Object.assign(row, {
      allocated: per(Number(bytes)),
      scavengesPer1k: per(Number(scavenges)) * 1000,
      markCompactsPer1k: per(Number(markCompacts)) * 1000,
    });
  }
  return row;
}

const upstream = pinnedSpawn(1, [join(root, 'bench/fake-upstream.mjs'), '0'], {});
const upstreamPort = Number((await waitForLine(upstream, /^(\d+)\n/))[1]);
const dir = mkdtempSync(join(tmpdir(), 'amg-route-kernel-'));
const gateway = await startGateway(dir, upstreamPort);
const rows = [];
try {
  for (const stream of [false, true]) {
    for (const model of ROUTES) {
      const load = { url: `${gateway.url}/v1/chat/completions`, body: body(model, stream), token: TOKEN };
      Object.assign(load, { connections: 64, core: 1 });
      await drive({ ...load, seconds: 6 });
      const row = await measureRoute(gateway, dir, load);
      rows.push({ model, stream, ...row, upstreamConnections: connectionsTo(upstreamPort) });
      console.error(`${model} ${stream ? 'stream' : 'non-stream'} done`);
    }
  }
} finally {
  gateway.child.kill('SIGTERM');
  upstream.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

const f = (n, digits = 2) => (n === undefined ? '-' : n.toFixed(digits));
console.log(`load average ${loadavg()[0].toFixed(1)}; per request; ${STRACE ? 'strace -c -f' : 'allocation probe'}`);
console.log(
  '| route | mode | requests | reads | writes | bytes read | bytes written | upstream conns | allocated | scavenges / 1k |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const cells = [r.model, r.stream ? 'stream' : 'non-stream', r.requests, f(r.syscr), f(r.syscw), f(r.rchar, 0)];
  cells.push(f(r.wchar, 0), r.upstreamConnections, f(r.allocated, 0), f(r.scavengesPer1k, 1));
  console.log(`| ${cells.join(' | ')} |`);
}
if (STRACE) {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.syscalls)))].filter((name) =>
    rows.some((r) => r.syscalls[name] >= 0.005),
  );
  console.log(`\n| system call | ${rows.map((r) => `${r.model} ${r.stream ? 's' : 'n'}`).join(' | ')} |`);
  console.log(`|---|${rows.map(() => '---|').join('')}`);
  for (const name of names) console.log(`| ${name} | ${rows.map((r) => f(r.syscalls[name] ?? 0)).join(' | ')} |`);
}
