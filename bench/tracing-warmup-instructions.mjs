// node bench/tracing-warmup-instructions.mjs [--windows=300,300,+1400,500,+7500,500] [--stream]
// [--variants=off,tracing] [--concurrency=64] [--keep=<dir>]: instructions per request of a FRESH gateway, window by
// window from its first request, with tracing off and at ratio 1 (OTLP protobuf to bench/otlp-sink.mjs), as the
// observability phase of bench/run.mjs configures them. Each gateway runs under callgrind; a window written `+N`
// serves N requests uncounted (instrumentation off, some 10× faster than counted), any other is counted and dumped
// at its end (callgrind_control --dump zeroes the counters), split into V8's optimising compiler, GC and the rest.
// Whether the traced gateway's extra cost shrinks as its code warms up (so that a round's length would measure
// tier-up) reads straight off the table. Needs `npm run build` first.
//
// Callgrind slows the gateway ~50×, so the span queue's 1 s batch timer exports far fewer spans per export than at
// full rate: each export's fixed work (an HTTP request and its promise chain) is spread over fewer requests.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { body, pinnedSpawn, SINGLE, sendChat, waitForLine } from './scenarios.mjs';

const arg = (name, fallback) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const WINDOWS = arg('windows', '300,300,+1400,500,+7500,500')
  .split(',')
  .map((w) => ({ size: Number(w.replace('+', '')), counted: !w.startsWith('+') }));
const STREAM = process.argv.includes('--stream');
const CONCURRENCY = Number(arg('concurrency', 64));
const VARIANTS = arg('variants', 'off,tracing').split(',');
const KEEP = arg('keep', undefined);
const root = new URL('..', import.meta.url).pathname;
const DIST = process.env.AMG_DIST ?? 'dist';

const COMPILER = /v8::internal::(compiler|maglev|Zone)|Pipeline/;
const GC = /Marking|Sweep|Scaveng|Evacuat|heap::|Heap::|MemoryChunk|Compactor/i;

/** Generous timeouts and no cooldown: callgrind stalls the gateway, and a stalled request must not fail. */
const SLOW =
  'routing: { timeout: { connect_ms: 60000, first_byte_ms: 120000 }, cooldown: { failures: 1000000, window_s: 1, cooldown_s: 1 } }\n';

function countsOf(file) {
  const annotated = execFileSync('callgrind_annotate', ['--threshold=100', file], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const counts = { total: 0, compiler: 0, gc: 0 };
  for (const line of annotated.split('\n')) {
    const match = /^\s*([\d,]+) \([^)]*\)\s+(.*)$/.exec(line);
    if (!match) continue;
    const ir = Number(match[1].replaceAll(',', ''));
    if (match[2].startsWith('PROGRAM TOTALS')) counts.total = ir;
    else if (COMPILER.test(match[2])) counts.compiler += ir;
    else if (GC.test(match[2])) counts.gc += ir;
  }
  return { ...counts, rest: counts.total - counts.compiler - counts.gc };
}

const send = (pool, payload, count) => sendChat(pool, payload, count, CONCURRENCY, { countFailures: true });

/** Dumps the gateway's counters and waits until the dump's file is complete. */
function dump(dir, pid, index) {
  execFileSync('callgrind_control', ['--dump', String(pid)], { stdio: 'ignore' });
  // The dump's file is named by its sequence number.
  const file = readdirSync(dir).find((name) => name === `callgrind.${pid}.${index}`);
  if (!file) throw new Error(`no dump ${index}`);
  return join(dir, file);
}

async function measure(name, extra, upstreamPort) {
  const dir = mkdtempSync(join(tmpdir(), 'amg-warmup-'));
  try {
    const config = join(dir, 'gateway.yaml');
    writeFileSync(config, `${SINGLE(`http://127.0.0.1:${upstreamPort}/v1`)}${SLOW}${extra}`);
    const gateway = spawn(
      'valgrind',
      [
        '--tool=callgrind',
        '--instr-atstart=no',
        `--callgrind-out-file=${join(dir, 'callgrind.%p')}`,
        process.execPath,
        join(root, DIST, 'cli/main.js'),
        'serve',
        '--config',
        config,
        '--listen',
        '127.0.0.1:0',
      ],
      {
        cwd: dir,
        env: { ...process.env, AMG_ADMIN_TOKEN: 'bench-admin-token', AMG_LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const exited = new Promise((resolve) => gateway.once('exit', resolve));
    const [, url] = await waitForLine(gateway, /API\s+(http:\/\/[\d.]+:\d+)/);
    const pool = new Pool(url, { connections: CONCURRENCY });
    const payload = body('bench', STREAM);
    const rows = [];
    let served = 0;
    let dumps = 0;
    const control = (...args) => execFileSync('callgrind_control', [...args, String(gateway.pid)], { stdio: 'ignore' });
    for (const { size, counted } of WINDOWS) {
      if (!counted) {
        const failed = await send(pool, payload, size);
        process.stderr.write(`${name} ${served}-${served + size}: uncounted, ${failed} failed\n`);
        served += size;
        continue;
      }
      const started = Date.now();
      control('--instr=on');
      const failed = await send(pool, payload, size);
      const file = dump(dir, gateway.pid, ++dumps);
      control('--instr=off');
      const counts = countsOf(file);
      if (KEEP) {
        mkdirSync(KEEP, { recursive: true });
        renameSync(file, join(KEEP, `${name}-${STREAM ? 'stream' : 'non-stream'}-${served}-${served + size}.out`));
      }
      rows.push({ from: served, to: served + size, failed, seconds: (Date.now() - started) / 1000, ...counts });
      process.stderr.write(`${name} ${served}-${served + size}: ${JSON.stringify(rows.at(-1))}\n`);
      served += size;
    }
    await pool.close();
    gateway.kill('SIGTERM');
    await exited;
    return { rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const upstream = pinnedSpawn(1, [join(root, 'bench/fake-upstream.mjs'), '0'], {});
const upstreamPort = Number((await waitForLine(upstream, /^(\d+)\n/))[1]);
const sink = pinnedSpawn(1, [join(root, 'bench/otlp-sink.mjs'), '0'], {});
const sinkPort = Number((await waitForLine(sink, /^(\d+)\n/))[1]);
const extras = {
  off: 'metrics: { enabled: false }\n',
  tracing: `metrics: { enabled: false }\ntelemetry: { otlp: { endpoint: "http://127.0.0.1:${sinkPort}", sample_ratio: 1 } }\n`,
};
const results = {};
try {
  for (const name of VARIANTS) results[name] = await measure(name, extras[name], upstreamPort);
} finally {
  upstream.kill('SIGTERM');
  sink.kill('SIGTERM');
}
const k = (n) => `${(n / 1000).toFixed(1)}k`;
const lines = [
  `Instructions per request of fresh gateways under callgrind, ${STREAM ? 'stream' : 'non-stream'}, ${CONCURRENCY} at a time (Node ${process.version}); rest / JIT compiler / GC`,
  '',
  `| requests | ${VARIANTS.join(' | ')} | rest, ${VARIANTS.slice(1)
    .map((v) => `${v} − ${VARIANTS[0]}`)
    .join(' | ')} |`,
  `|---|${VARIANTS.map(() => '---|').join('')}${VARIANTS.slice(1)
    .map(() => '---|')
    .join('')}`,
];
const base = results[VARIANTS[0]];
for (const [i, row] of base.rows.entries()) {
  const per = (r) => {
    const n = r.to - r.from;
    return `${k(r.rest / n)} / ${k(r.compiler / n)} / ${k(r.gc / n)}${r.failed ? ` (${r.failed} failed)` : ''}`;
  };
  const cells = VARIANTS.map((v) => per(results[v].rows[i]));
  const deltas = VARIANTS.slice(1).map((v) => {
    const r = results[v].rows[i];
    return `${((r.rest - row.rest) / (row.to - row.from) / 1000).toFixed(1)}k`;
  });
  lines.push(`| ${row.from}–${row.to} | ${cells.join(' | ')} | ${deltas.join(' | ')} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
