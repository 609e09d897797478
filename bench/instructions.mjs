// npm run bench:instructions [-- --requests=N --warmup=N --only=<route> --node-flags="<flags>" --threads | --observability | --limits | --on-off [--mode=…]]: the dialect routes' cost counted in
// CPU instructions per request, under valgrind's callgrind. On shared virtual machines timed throughput of one
// build drifts by ±15% between minutes, more than the passthrough/translated differences being compared; an
// instruction count does not depend on what else the machine is doing. Prints a Markdown table.
//
// The gateway runs under callgrind with instrumentation off until it is warm, then counts exactly `requests`
// requests (16 at a time, keep-alive). V8's optimising compiler and its garbage collector run on their own
// schedule, which callgrind's slowdown shifts: their instructions are reported apart and the ratio compares
// the rest, the work each request itself does (the gateway's code, Node, undici, SQLite telemetry).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import {
  body,
  DIALECTS,
  LIMITS_VARIANTS,
  messagesBody,
  pinnedSpawn,
  SINGLE,
  TOKEN,
  waitForLine,
} from './scenarios.mjs';

const arg = (name, fallback) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const REQUESTS = Number(arg('requests', 2000));
const WARMUP = Number(arg('warmup', 8000));
/** `--only=a,b`: the routes whose name contains any of these (case-insensitive). */
const ONLY = arg('only', undefined)?.toLowerCase().split(',');
/** `--node-flags="--max-semi-space-size=2"`: Node/V8 flags for the gateway, to count what a flag costs. */
const NODE_FLAGS = arg('node-flags', '').split(/\s+/).filter(Boolean);
/** `--mode=stream` or `--mode=non-stream`: only that mode (of --limits and --observability). */
const MODES = { stream: [true], 'non-stream': [false] }[arg('mode', '')] ?? [false, true];
/** `--tolerate=0.15`: the share of failed requests a variant run with extra config may have (default 5%). */
const TOLERATE = Number(arg('tolerate', 0.05));
const CONCURRENCY = Number(arg('concurrency', 16));
/** `--repeats=3` (of --on-off): each gateway counted that many times, a fresh process each, the median kept. */
const REPEATS = Math.max(1, Number(arg('repeats', 1)));
/**
 * `--threads`: callgrind --separate-threads, and each route's counts also per thread: the main thread, the SQLite
 * writer (the thread that ran sqlite3's code) and the rest (V8's compiler and GC helpers, libuv's pool).
 */
const THREADS = process.argv.includes('--threads');
/** `--keep=<dir>`: copies each counted callgrind dump there (for callgrind_annotate per function). */
const KEEP = arg('keep', undefined);
/** `--no-baseline` (of --on-off): counts the variants only (a variant's second build, its baseline already counted). */
const NO_BASELINE = process.argv.includes('--no-baseline');
const root = new URL('..', import.meta.url).pathname;
/** AMG_DIST=<dir>: the gateway from another build's output (a copy of dist/ inside the checkout, for its node_modules). */
const DIST = process.env.AMG_DIST ?? 'dist';

const ROUTES = [
  { name: 'OpenAI client → OpenAI upstream (passthrough)', path: '/v1/chat/completions', model: 'via-openai' },
  { name: 'OpenAI client → Anthropic upstream (translated)', path: '/v1/chat/completions', model: 'via-anthropic' },
  { name: 'Anthropic client → Anthropic upstream (passthrough)', path: '/v1/messages', model: 'via-anthropic' },
  { name: 'Anthropic client → OpenAI upstream (translated)', path: '/v1/messages', model: 'via-openai' },
  { name: 'OpenAI client → Gemini (translated)', path: '/v1/chat/completions', model: 'via-gemini' },
  { name: 'OpenAI client → Bedrock (translated, SigV4)', path: '/v1/chat/completions', model: 'via-bedrock' },
];

/** Symbols of V8's optimising compilers and of its garbage collector, as callgrind_annotate names them. */
const COMPILER = /v8::internal::(compiler|maglev|Zone)|Pipeline/;
const GC = /Marking|Sweep|Scaveng|Evacuat|heap::|Heap::|MemoryChunk|Compactor/i;

function requireTools() {
  for (const tool of ['valgrind', 'callgrind_control', 'callgrind_annotate']) {
    if (spawnSync('which', [tool]).status !== 0) {
      throw new Error(`${tool} is not installed (Debian: apt-get install valgrind)`);
    }
  }
}

async function send(pool, path, payload, count, tolerated = 0) {
  let left = count;
  let failed = 0;
  const worker = async () => {
    while (left-- > 0) {
      const response = await pool.request({
        path,
        method: 'POST',
        body: payload,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      });
      const text = await response.body.text();
      if (response.statusCode !== 200 && failed++ === 0) {
        process.stderr.write(`a request failed (${response.statusCode}): ${text.slice(0, 200)}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (failed > tolerated) throw new Error(`${failed} of ${count} requests to ${path} failed`);
}

/** Instructions of one callgrind dump, split into compiler, GC and the rest (`sqlite`: whether it ran SQLite). */
function countsOf(file) {
  const annotated = execFileSync('callgrind_annotate', ['--threshold=100', file], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const counts = { total: 0, compiler: 0, gc: 0 };
  let sqlite = 0;
  for (const line of annotated.split('\n')) {
    const match = /^\s*([\d,]+) \([^)]*\)\s+(.*)$/.exec(line);
    if (!match) continue;
    const ir = Number(match[1].replaceAll(',', ''));
    const symbol = match[2];
    if (symbol.startsWith('PROGRAM TOTALS')) counts.total = ir;
    else if (COMPILER.test(symbol)) counts.compiler += ir;
    else if (GC.test(symbol)) counts.gc += ir;
    if (symbol.includes('sqlite3')) sqlite += ir;
  }
  return { ...counts, rest: counts.total - counts.compiler - counts.gc, sqlite };
}

/**
 * The counted dumps of one run (`--threads`: one per thread, callgrind.<pid>.1-<thread>), summed, and per thread
 * group: main (valgrind's thread 1), writer (the thread that ran most of SQLite), others.
 */
function dumpCounts(dir) {
  const files = readdirSync(dir).filter((name) => /^callgrind\.\d+\.1(?:-\d+)?$/.test(name));
  if (files.length === 0) throw new Error('callgrind wrote no dump for the measured requests');
  const dumps = files.map((name) => ({ name, counts: countsOf(join(dir, name)) }));
  const sum = (list) => {
    const out = { total: 0, compiler: 0, gc: 0, rest: 0 };
    for (const { counts } of list) for (const key of Object.keys(out)) out[key] += counts[key];
    return out;
  };
  const counts = sum(dumps);
  if (!THREADS) return { counts, dumps };
  const main = dumps.filter((d) => /-0*1$/.test(d.name));
  const writer = dumps.filter((d) => !main.includes(d)).sort((a, b) => b.counts.sqlite - a.counts.sqlite)[0];
  const others = dumps.filter((d) => !main.includes(d) && d !== writer);
  return {
    counts: { ...counts, main: sum(main).total, writer: writer?.counts.total ?? 0, others: sum(others).total },
    dumps,
  };
}

/**
 * Instructions per request of one gateway (`configFor(upstream)` is its config) serving `route`. `extraConfig`
 * is appended to the config; with it, a few failed requests are tolerated (see below).
 */
async function measure(upstreamUrl, route, stream, extraConfig = '', configFor = DIALECTS) {
  const dir = mkdtempSync(join(tmpdir(), 'amg-instr-'));
  try {
    const config = join(dir, 'gateway.yaml');
    writeFileSync(config, `${configFor(`${upstreamUrl}/v1`)}${extraConfig}`);
    const gateway = spawn(
      'valgrind',
      [
        '--tool=callgrind',
        '--instr-atstart=no',
        ...(THREADS ? ['--separate-threads=yes'] : []),
        `--callgrind-out-file=${join(dir, 'callgrind.%p')}`,
        process.execPath,
        ...NODE_FLAGS,
        join(root, DIST, 'cli/main.js'),
        'serve',
        '--config',
        config,
        '--listen',
        '127.0.0.1:0',
      ],
      {
        // A traced gateway exports its spans once per 4,096 (as at full speed), not on the 1 s timer, which under
        // callgrind's slowdown fired every few dozen requests and made the export most of tracing's count.
        env: {
          OTEL_BSP_SCHEDULE_DELAY: '600000',
          ...process.env,
          AMG_ADMIN_TOKEN: 'bench-admin-token',
          AMG_LOG_LEVEL: 'warn',
        },
        // stderr too: a piped `amg serve` writes its banner there (waitForLine reads both).
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise((resolve) => gateway.once('exit', resolve));
    const [, url] = await waitForLine(gateway, /API\s+(http:\/\/[\d.]+:\d+)/);
    const pool = new Pool(url, { connections: CONCURRENCY });
    const payload = route.path === '/v1/messages' ? messagesBody(route.model, stream) : body(route.model, stream);
    // A few requests fail on a loaded machine (an upstream connection dropped as callgrind stalls the gateway):
    // their instructions count as well, and the variants are compared with each other.
    const tolerated = Math.ceil(REQUESTS * TOLERATE);
    await send(pool, route.path, payload, WARMUP, WARMUP);
    execFileSync('callgrind_control', ['--instr=on', String(gateway.pid)], { stdio: 'ignore' });
    await send(pool, route.path, payload, REQUESTS, tolerated);
    execFileSync('callgrind_control', ['--dump', String(gateway.pid)], { stdio: 'ignore' });
    await pool.close();
    gateway.kill('SIGTERM');
    await exited;
    const { counts, dumps } = dumpCounts(dir);
    if (KEEP) {
      mkdirSync(KEEP, { recursive: true });
      const stamp = Date.now();
      for (const { name } of dumps) {
        const kept = join(KEEP, `callgrind.${stamp}${name.replace(/^callgrind\.\d+\.1/, '')}`);
        copyFileSync(join(dir, name), kept);
        process.stderr.write(`  kept ${kept}\n`);
      }
    }
    return Object.fromEntries(Object.entries(counts).map(([key, value]) => [key, Math.round(value / REQUESTS)]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const k = (n) => `${(n / 1000).toFixed(0)}k`;
/** Callgrind slows the gateway some fifty times: generous timeouts, so no counted request fails on a busy machine. */
const SLOW = 'routing: { timeout: { connect_ms: 60000, first_byte_ms: 120000 } }\n';

// Callgrind slows the gateway some fifty times: generous timeouts, so no counted request fails on a busy machine
// (with the defaults, 10-18% of the requests timed out at a load average of 10-20).
// A dropped upstream connection must not cool the only target down either: every request would then fail for 30 s.
const slow =
  'routing: { timeout: { connect_ms: 60000, first_byte_ms: 120000 }, cooldown: { failures: 1000000, window_s: 1, cooldown_s: 1 } }\n';

/**
 * `--observability`: the OpenAI passthrough route with metrics and tracing off, metrics on, and tracing on at
 * sample ratio 1 exporting to a local OTLP receiver (the exports made during the counted requests count).
 */
async function observability() {
  const upstream = pinnedSpawn(1, [join(root, 'bench/fake-upstream.mjs'), '0'], {});
  const port = Number((await waitForLine(upstream, /^(\d+)\n/))[1]);
  const sink = pinnedSpawn(1, [join(root, 'bench/otlp-sink.mjs'), '0'], {});
  const sinkPort = Number((await waitForLine(sink, /^(\d+)\n/))[1]);
  const variants = {
    'metrics off, tracing off': 'metrics: { enabled: false }\n',
    'metrics on': 'metrics: { enabled: true }\n',
    'tracing on (ratio 1)': `metrics: { enabled: false }\ntelemetry: { otlp: { endpoint: "http://127.0.0.1:${sinkPort}", sample_ratio: 1 } }\n`,
  };
  const route = ROUTES[0];
  const results = [];
  try {
    for (const stream of MODES) {
      for (const [name, extra] of Object.entries(variants)) {
        process.stderr.write(`measuring ${name}, ${stream ? 'stream' : 'non-stream'}\n`);
        results.push({ name, stream, counts: await measure(`http://127.0.0.1:${port}`, route, stream, SLOW + extra) });
      }
    }
  } finally {
    upstream.kill('SIGTERM');
    sink.kill('SIGTERM');
  }
  const lines = [
    `Instructions per request under callgrind, ${route.name} (${REQUESTS} requests after ${WARMUP}, ${CONCURRENCY} at a time; Node ${process.version})`,
    '',
    '| observability | mode | total | JIT compiler | GC | rest | throughput vs off (rest) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const { name, stream, counts } of results) {
    const off = results.find((r) => r.stream === stream && r.name === 'metrics off, tracing off')?.counts.rest;
    lines.push(
      `| ${name} | ${stream ? 'stream' : 'non-stream'} | ${k(counts.total)} | ${k(counts.compiler)} | ${k(counts.gc)} | ${k(counts.rest)} | ${off ? (off / counts.rest).toFixed(3) : '-'} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * `--limits`: the OpenAI passthrough route (model `bench`, one target) for a client without limits, with every
 * limit and budget counted in this process, and counted in Redis: the configs of bench/run.mjs's limits phase.
 * GC is part of what limits cost (the objects a limited request allocates), so the ratio counts it; only the
 * optimising compiler, whose schedule callgrind shifts, is left out.
 */
async function limits() {
  const upstream = pinnedSpawn(1, [join(root, 'bench/fake-upstream.mjs'), '0'], {});
  const port = Number((await waitForLine(upstream, /^(\d+)\n/))[1]);
  const route = { name: 'OpenAI client → OpenAI upstream (passthrough)', path: '/v1/chat/completions', model: 'bench' };
  const names = { off: 'no limits on the key', memory: 'in-process limits and budgets', redis: 'the same in Redis' };
  const results = [];
  try {
    for (const stream of MODES) {
      for (const [variant, configFor] of Object.entries(LIMITS_VARIANTS())) {
        process.stderr.write(`measuring ${names[variant]}, ${stream ? 'stream' : 'non-stream'}\n`);
        const counts = await measure(`http://127.0.0.1:${port}`, route, stream, slow, configFor);
        results.push({ variant, stream, counts });
      }
    }
  } finally {
    upstream.kill('SIGTERM');
  }
  const lines = [
    `Instructions per request under callgrind, ${route.name} (${REQUESTS} requests after ${WARMUP}, ${CONCURRENCY} at a time; Node ${process.version})`,
    '',
    '| client limits | mode | total | JIT compiler | GC | rest | of off (rest + GC) | of off (rest) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const { variant, stream, counts } of results) {
    const off = results.find((r) => r.stream === stream && r.variant === 'off')?.counts;
    const work = (c) => c.rest + c.gc;
    lines.push(
      `| ${names[variant]} | ${stream ? 'stream' : 'non-stream'} | ${k(counts.total)} | ${k(counts.compiler)} | ${k(counts.gc)} | ${k(counts.rest)} | ${off ? (work(off) / work(counts)).toFixed(3) : '-'} | ${off ? (off.rest / counts.rest).toFixed(3) : '-'} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * The on/off pairs the issues set throughput targets for, as run.mjs measures them, each variant against its own
 * baseline (the same config without the feature): limits (issue 16), metrics and tracing (issue 17), Gemini and
 * Bedrock against OpenAI passthrough (issue 18).
 */
function onOffPairs(sinkPort) {
  const chat = (model) => ({ path: '/v1/chat/completions', model });
  const limits = LIMITS_VARIANTS();
  const observed = (extra) => (upstream) => `${SINGLE(upstream)}${extra}`;
  const tracing = `telemetry: { otlp: { endpoint: "http://127.0.0.1:${sinkPort}", sample_ratio: 1 } }\n`;
  return [
    {
      baseline: { name: 'no limits on the key', route: chat('bench'), configFor: limits.off },
      variants: [
        { name: 'limits + budgets, in-process', route: chat('bench'), configFor: limits.memory },
        { name: 'limits + budgets, in Redis', route: chat('bench'), configFor: limits.redis },
      ],
    },
    {
      baseline: {
        name: 'metrics off, tracing off',
        route: chat('bench'),
        configFor: observed('metrics: { enabled: false }\n'),
      },
      variants: [
        { name: 'metrics on', route: chat('bench'), configFor: observed('metrics: { enabled: true }\n') },
        {
          name: 'tracing on (ratio 1, local receiver)',
          route: chat('bench'),
          configFor: observed(`metrics: { enabled: false }\n${tracing}`),
        },
      ],
    },
    {
      baseline: { name: 'OpenAI passthrough', route: chat('via-openai'), configFor: DIALECTS },
      variants: [
        { name: 'OpenAI client → Gemini', route: chat('via-gemini'), configFor: DIALECTS },
        { name: 'OpenAI client → Bedrock (SigV4)', route: chat('via-bedrock'), configFor: DIALECTS },
      ],
    },
  ];
}

/**
 * `--on-off`: every pair of onOffPairs in one table, for the docs: a ratio that does not move with the machine's
 * load, beside run.mjs's timed paired rounds. The ratio counts the rest and GC (what a variant allocates is part
 * of its cost), and the rest alone; only the optimising compiler, whose schedule callgrind shifts, is left out.
 * Instructions are the gateway process's own: Redis's work for the Redis backend is not in them.
 */
async function onOff() {
  const upstream = pinnedSpawn(1, [join(root, 'bench/fake-upstream.mjs'), '0'], {});
  const port = Number((await waitForLine(upstream, /^(\d+)\n/))[1]);
  const sink = pinnedSpawn(1, [join(root, 'bench/otlp-sink.mjs'), '0'], {});
  const sinkPort = Number((await waitForLine(sink, /^(\d+)\n/))[1]);
  const lines = [
    `Instructions per request under callgrind (${REQUESTS} requests after ${WARMUP}, ${CONCURRENCY} at a time${REPEATS > 1 ? `, median of ${REPEATS} processes` : ''}; Node ${process.version}); ratio = baseline ÷ variant, as a share of the baseline's throughput`,
    '',
    '| variant | against | mode | baseline rest + GC | variant rest + GC | ratio (rest + GC) | ratio (rest) | JIT compiler baseline / variant |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const work = (c) => c.rest + c.gc;
  // One process's JIT decisions shift its count by a few percent; with --repeats, the median process is kept.
  const count = async (c) => {
    const runs = [];
    for (let i = 0; i < REPEATS; i++)
      runs.push(await measure(`http://127.0.0.1:${port}`, c.route, c.stream, slow, c.configFor));
    return runs.sort((a, b) => work(a) - work(b))[Math.floor(runs.length / 2)];
  };
  try {
    for (const pair of onOffPairs(sinkPort)) {
      const { baseline } = pair;
      // `--only=redis,gemini`: the variants whose name contains any of these, each with its baseline.
      const variants = pair.variants.filter((v) => !ONLY || ONLY.some((part) => v.name.toLowerCase().includes(part)));
      if (variants.length === 0) continue;
      for (const stream of MODES) {
        const mode = stream ? 'stream' : 'non-stream';
        if (!NO_BASELINE) process.stderr.write(`measuring ${baseline.name}, ${mode}\n`);
        const base = NO_BASELINE ? undefined : await count({ ...baseline, stream });
        for (const variant of variants) {
          process.stderr.write(`measuring ${variant.name}, ${mode}\n`);
          const counts = await count({ ...variant, stream });
          const ratios = base
            ? `${k(work(base))} | ${k(work(counts))} | ${(work(base) / work(counts)).toFixed(3)} | ${(base.rest / counts.rest).toFixed(3)} | ${k(base.compiler)}`
            : `- | ${k(work(counts))} | - | - | -`;
          lines.push(`| ${variant.name} | ${baseline.name} | ${mode} | ${ratios} / ${k(counts.compiler)} |`);
          process.stderr.write(`${lines.at(-1)}\n`);
        }
      }
    }
  } finally {
    upstream.kill('SIGTERM');
    sink.kill('SIGTERM');
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main() {
  requireTools();
  if (process.argv.includes('--observability')) return observability();
  if (process.argv.includes('--limits')) return limits();
  if (process.argv.includes('--on-off')) return onOff();
  const upstream = pinnedSpawn(1, [join(root, 'bench/fake-upstream.mjs'), '0'], {});
  const port = Number((await waitForLine(upstream, /^(\d+)\n/))[1]);
  const results = [];
  try {
    for (const stream of MODES) {
      for (const route of ROUTES) {
        if (ONLY && !ONLY.some((part) => route.name.toLowerCase().includes(part))) continue;
        process.stderr.write(`measuring ${route.name}, ${stream ? 'stream' : 'non-stream'}\n`);
        const counts = await measure(`http://127.0.0.1:${port}`, route, stream, slow);
        results.push({ route, stream, counts });
        process.stderr.write(`  ${JSON.stringify(counts)}\n`);
      }
    }
  } finally {
    upstream.kill('SIGTERM');
  }
  const passthroughRest = (route, stream) => {
    const same = results.find(
      (r) => r.stream === stream && r.route.path === route.path && r.route.name.includes('passthrough'),
    );
    return same?.counts.rest;
  };
  const lines = [
    `Instructions per request under callgrind (${REQUESTS} requests after ${WARMUP} to warm up, ${CONCURRENCY} at a time; Node ${process.version}${NODE_FLAGS.length ? ` ${NODE_FLAGS.join(' ')}` : ''})`,
    '',
    `| route | mode | total | JIT compiler | GC | rest | rest, passthrough ÷ this |${THREADS ? ' main thread | writer thread | other threads |' : ''}`,
    `|---|---|---|---|---|---|---|${THREADS ? '---|---|---|' : ''}`,
  ];
  for (const { route, stream, counts } of results) {
    const base = passthroughRest(route, stream);
    const ratio = base ? (base / counts.rest).toFixed(2) : '-';
    lines.push(
      `| ${route.name} | ${stream ? 'stream' : 'non-stream'} | ${k(counts.total)} | ${k(counts.compiler)} | ${k(counts.gc)} | ${k(counts.rest)} | ${ratio} |${THREADS ? ` ${k(counts.main)} | ${k(counts.writer)} | ${k(counts.others)} |` : ''}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
