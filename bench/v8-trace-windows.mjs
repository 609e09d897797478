// node bench/v8-trace-windows.mjs <off|tracing> <requests> [v8 flags…]: one fresh gateway (SINGLE config, metrics
// off; `tracing`: ratio 1, OTLP protobuf to bench/otlp-sink.mjs) serving `requests` non-stream requests at 64
// connections, its stdout (where V8's --trace-* flags print) copied to $OUT with a `=== MARK <n>` line every 5,000
// requests sent, then summed per 5,000-request window: TurboFan compiles and their time (--trace-opt's "took"),
// deoptimisations (--trace-deopt), scavenges and mark-compacts (--trace-gc). Counts of what V8 does between
// requests N and N + 5,000 of a fresh process, which is where the timed paired rounds measure (a warm-up of at
// least 10,000 requests, then ~4 s). Example: `node bench/v8-trace-windows.mjs tracing 40000 --trace-opt
// --trace-deopt --trace-gc`. Needs `npm run build` first (AMG_DIST=<dir> for another build's output).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { body, SINGLE, sendChat, waitForLine } from './scenarios.mjs';

const root = new URL('..', import.meta.url).pathname;
const [variant, requestsArg, ...flags] = process.argv.slice(2);
const WINDOW = 5_000;
const CONNECTIONS = 64;
const child = (script) => spawn(process.execPath, [join(root, script), '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
const upstream = child('bench/fake-upstream.mjs');
const port = Number((await waitForLine(upstream, /^(\d+)\n/))[1]);
const sink = child('bench/otlp-sink.mjs');
const sinkPort = Number((await waitForLine(sink, /^(\d+)\n/))[1]);
const dir = mkdtempSync(join(tmpdir(), 'amg-v8w-'));
const traced = `telemetry: { otlp: { endpoint: "http://127.0.0.1:${sinkPort}", sample_ratio: 1 } }\n`;
writeFileSync(
  join(dir, 'gateway.yaml'),
  `${SINGLE(`http://127.0.0.1:${port}/v1`)}metrics: { enabled: false }\n${variant === 'tracing' ? traced : ''}`,
);
const gateway = spawn(
  process.execPath,
  [...flags, join(root, process.env.AMG_DIST ?? 'dist', 'cli/main.js'), 'serve', '--config', 'gateway.yaml'],
  {
    cwd: dir,
    env: { ...process.env, AMG_ADMIN_TOKEN: 'bench-admin-token', AMG_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
const logFile = process.env.OUT ?? join(dir, 'v8.log');
const log = createWriteStream(logFile);
const [, url] = await waitForLine(gateway, /API\s+(http:\/\/[\d.]+:\d+)/);
gateway.stdout.pipe(log, { end: false });
const pool = new Pool(url, { connections: CONNECTIONS });
const payload = body('bench', false);
await sendChat(pool, payload, Number(requestsArg), CONNECTIONS, {
  onSend: (n) => {
    if (n % WINDOW === 0) log.write(`=== MARK ${n}\n`);
  },
});
await pool.close();
gateway.kill('SIGTERM');
await new Promise((resolve) => gateway.once('exit', resolve));
upstream.kill('SIGTERM');
sink.kill('SIGTERM');
await new Promise((resolve) => log.end(resolve));

const windows = new Map();
let at = 0;
for (const line of readFileSync(logFile, 'utf8').split('\n')) {
  const mark = /^=== MARK (\d+)/.exec(line);
  if (mark) {
    at = Number(mark[1]);
    continue;
  }
  const w = windows.get(at) ?? { compiles: 0, compileMs: 0, deopts: 0, scavenges: 0, markCompacts: 0 };
  windows.set(at, w);
  const took = /completed compiling .* took ([\d.]+), ([\d.]+), ([\d.]+) ms/.exec(line);
  if (took) {
    w.compiles++;
    w.compileMs += Number(took[1]) + Number(took[2]) + Number(took[3]);
  } else if (/^\[bailout/.test(line)) w.deopts++;
  else if (/: Scavenge /.test(line)) w.scavenges++;
  else if (/: Mark-Compact /.test(line)) w.markCompacts++;
}
process.stdout.write(`${variant}: requests from | compiles | compile ms | deopts | scavenges | mark-compacts\n`);
for (const [from, w] of windows) {
  process.stdout.write(
    `${from} | ${w.compiles} | ${w.compileMs.toFixed(1)} | ${w.deopts} | ${w.scavenges} | ${w.markCompacts}\n`,
  );
}
