// node bench/thread-instructions.mjs [--requests=N] [--warmup=N] [--idle-seconds=N] [--node-flags="<flags>"]: the
// gateway's instructions per thread (callgrind --separate-threads), at one connection as bench:memory's
// 1-connection phase sends them (one request at a time, bench:memory's config), and then idle: what each thread
// costs per request and per idle second, in counts that do not depend on the machine's load (issue 14's p99: the
// SQLite writer thread and V8's helper threads share the gateway's core in the pinned bench). Threads are
// numbered by valgrind in the order they started (1 is the main thread; the writer starts with the first record).
// Needs `npm run build` and valgrind.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { baseConfig, body, pinnedSpawn, TOKEN, waitForLine } from './scenarios.mjs';

const arg = (name, fallback) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const REQUESTS = Number(arg('requests', 2000));
const WARMUP = Number(arg('warmup', 3000));
const IDLE_SECONDS = Number(arg('idle-seconds', 10));
const NODE_FLAGS = arg('node-flags', '').split(/\s+/).filter(Boolean);
const root = new URL('..', import.meta.url).pathname;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Callgrind slows the gateway ~50 times: timeouts that no counted request meets.
const CONFIG = baseConfig(
  '  - { name: bench, targets: [{ provider: up, model: m1 }] }\n',
  'routing: { timeout: { connect_ms: 60000, first_byte_ms: 120000 }, cooldown: { failures: 1000000, window_s: 1, cooldown_s: 1 } }',
);

/** Instructions per valgrind thread number in the dumps of one `--dump` (files callgrind.<pid>.<part>-<thread>). */
function perThread(dir, part) {
  const out = {};
  for (const name of readdirSync(dir)) {
    const match = new RegExp(`^callgrind\\.\\d+\\.${part}-(\\d+)$`).exec(name);
    if (!match) continue;
    const text = readFileSync(join(dir, name), 'utf8');
    const total = /^(?:totals|summary): (\d+)/m.exec(text);
    out[Number(match[1])] = total ? Number(total[1]) : 0;
  }
  return out;
}

const upstream = pinnedSpawn(1, [join(root, 'bench/fake-upstream.mjs'), '0'], {});
const port = Number((await waitForLine(upstream, /^(\d+)\n/))[1]);
const dir = mkdtempSync(join(tmpdir(), 'amg-thread-instr-'));
writeFileSync(join(dir, 'gateway.yaml'), CONFIG(`http://127.0.0.1:${port}/v1`));
const gateway = spawn(
  'valgrind',
  [
    '--tool=callgrind',
    '--instr-atstart=no',
    '--separate-threads=yes',
    `--callgrind-out-file=${join(dir, 'callgrind.%p')}`,
    process.execPath,
    ...NODE_FLAGS,
    join(root, 'dist/cli/main.js'),
    'serve',
    '--config',
    join(dir, 'gateway.yaml'),
    '--listen',
    '127.0.0.1:0',
  ],
  {
    cwd: dir,
    env: { ...process.env, AMG_ADMIN_TOKEN: 'bench-admin-token-0123456789', AMG_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
const exited = new Promise((resolve) => gateway.once('exit', resolve));
const [, url] = await waitForLine(gateway, /API\s+(http:\/\/[\d.]+:\d+)/);
const pool = new Pool(url, { connections: 1, pipelining: 1 });
const payload = body('bench', false);
const send = async (count) => {
  for (let i = 0; i < count; i++) {
    const response = await pool.request({
      path: '/v1/chat/completions',
      method: 'POST',
      body: payload,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    });
    await response.body.dump();
    if (response.statusCode !== 200) throw new Error(`answered ${response.statusCode}`);
  }
};
const control = (...args) => execFileSync('callgrind_control', [...args, String(gateway.pid)], { stdio: 'ignore' });
await send(WARMUP);
control('--zero');
control('--instr=on');
const started = Date.now();
await send(REQUESTS);
control('--dump=requests');
const busySeconds = (Date.now() - started) / 1000;
control('--zero');
await sleep(IDLE_SECONDS * 1000);
control('--dump=idle');
await pool.close();
gateway.kill('SIGTERM');
await exited;
upstream.kill('SIGTERM');
const busy = perThread(dir, 1);
const idle = perThread(dir, 2);
rmSync(dir, { recursive: true, force: true });
const k = (n) => `${(n / 1000).toFixed(1)}k`;
console.log(
  `${REQUESTS} requests at 1 connection (${busySeconds.toFixed(0)} s under callgrind), then ${IDLE_SECONDS} s idle; node flags: ${NODE_FLAGS.join(' ') || '(none)'}`,
);
console.log('thread  instructions per request  per idle second');
for (const thread of [...new Set([...Object.keys(busy), ...Object.keys(idle)])].sort((a, b) => a - b)) {
  console.log(
    `${String(thread).padStart(6)}  ${k((busy[thread] ?? 0) / REQUESTS).padStart(24)}  ${k((idle[thread] ?? 0) / IDLE_SECONDS).padStart(15)}`,
  );
}
