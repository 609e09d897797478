// npm run bench [-- --quick]: the gateway on one core, the fake upstream and the load generator on the other,
// direct-to-upstream and through-the-gateway measured in the same run. Writes bench/results/latest.{json,md}.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchRedis } from './bench-redis.mjs';
import { comparisonTable, ratioList, ratioOf, roundsNote } from './comparison-report.mjs';
import { drive, hasTaskset, hasWrk, runPinned } from './load.mjs';
import { compareInRounds, cpuSeconds } from './paired-rounds.mjs';
import { ensurePortkey, HONO_NODE_SERVER_VERSION, PORTKEY_VERSION, portkeyArgs, portkeyRequest } from './portkey.mjs';
import {
  baseConfig,
  body,
  DIALECTS,
  LIMITS_VARIANTS,
  messagesBody,
  pinnedSpawn,
  responsesBody,
  SINGLE,
  TOKEN,
  waitForLine,
} from './scenarios.mjs';

const QUICK = process.argv.includes('--quick');
/** `--only=dialects` runs just that phase (for working on it); the full report needs every phase. */
const ONLY = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const SECONDS = QUICK ? 4 : 6;
const WARMUP = QUICK ? 1 : 2;
const REPEATS = QUICK ? 1 : 3;
const CONNECTIONS = 64;
const GATEWAY_CORE = 0;
const LOAD_CORE = 1;
/**
 * The on/off comparisons (observability, limits, cloud, dialects, security, pricing, rollups) run in paired
 * rounds of fresh gateways (bench/paired-rounds.mjs). `--rounds=N` sets how many; the defaults keep each phase
 * near 3–4 minutes on a quiet machine (a round starts its gateways, ~1.5 s each, warms every phase, 2–3 s each,
 * and measures every phase for ROUND_SECONDS).
 */
const ROUNDS_ARG = Number(process.argv.find((arg) => arg.startsWith('--rounds='))?.slice('--rounds='.length));
const rounds = (full) => (ROUNDS_ARG > 0 ? ROUNDS_ARG : QUICK ? 2 : full);
const ROUND_SECONDS = QUICK ? 2 : 4;
const ROUND_WARMUP = QUICK
  ? { minSeconds: 1, maxSeconds: 3, minRequests: 2000 }
  : { minSeconds: 2, maxSeconds: 10, minRequests: 10_000 };
const root = new URL('..', import.meta.url).pathname;

function peakRssMb(pid) {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : null;
}

async function startGateway(upstreamPort, configFor, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'amg-bench-'));
  const config = join(dir, 'gateway.yaml');
  writeFileSync(config, configFor(`http://127.0.0.1:${upstreamPort}/v1`));
  const child = pinnedSpawn(
    GATEWAY_CORE,
    [join(root, 'dist/cli/main.js'), 'serve', '--config', config, '--listen', '127.0.0.1:0'],
    {
      AMG_ADMIN_TOKEN: 'bench-admin-token',
      AMG_LOG_LEVEL: 'warn',
      ...env,
    },
  );
  const [, url] = await waitForLine(child, /API\s+(http:\/\/[\d.]+:\d+)/);
  return serving(child, url, () => rmSync(dir, { recursive: true, force: true }));
}

/** The floor reference (bench/bare-proxy.mjs), pinned like the gateway. */
async function startBareProxy(upstream) {
  const child = pinnedSpawn(GATEWAY_CORE, [join(root, 'bench/bare-proxy.mjs'), upstream, '0'], {});
  const [, url] = await waitForLine(child, /listening (http:\/\/[\d.]+:\d+)/);
  return serving(child, url);
}

/** A started server process: where it listens, its pid (for CPU and RSS), and how to stop it. */
function serving(child, url, cleanUp = () => {}) {
  return {
    url,
    pid: child.pid,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      cleanUp();
    },
  };
}

const THREE = baseConfig(
  '  - { name: bench, targets: [{ provider: up, model: m1 }, { provider: up, model: m2 }, { provider: up, model: m3 }] }\n',
  'routing:\n  health_checks: { enabled: true, interval_s: 1, timeout_ms: 1000 }\n',
);
/** One gateway, two models: an upstream model the shipped price table prices, and one nothing prices. */
const PRICING = baseConfig(
  '  - { name: unpriced, targets: [{ provider: up, model: m1 }] }\n  - { name: priced, targets: [{ provider: up, model: gpt-4o-2024-08-06 }] }\n',
);
const FAILOVER = baseConfig(
  '  - { name: bench, targets: [{ provider: up, model: flaky-primary }, { provider: up, model: m2 }] }\n',
  // Cooldowns off, so every 429 exercises the fallback path instead of the breaker skipping the primary.
  'routing:\n  cooldown: { failures: 1000000, window_s: 1, cooldown_s: 1 }\n',
);

/** One measured load phase; with `pid`, also the gateway CPU time spent per request. */
async function measure({
  url,
  stream,
  connections,
  pid,
  model = 'bench',
  path = '/v1/chat/completions',
  bodyOf = body,
}) {
  const request = {
    url: `${url}${path}`,
    body: bodyOf(model, stream),
    token: TOKEN,
    connections,
    core: LOAD_CORE,
  };
  await drive({ ...request, seconds: WARMUP });
  const runs = [];
  for (let i = 0; i < REPEATS; i++) {
    const cpuBefore = pid ? cpuSeconds(pid) : 0;
    const result = await drive({ ...request, seconds: SECONDS });
    const cpuUs = pid && result.requests ? ((cpuSeconds(pid) - cpuBefore) / result.requests) * 1e6 : null;
    runs.push({ ...result, cpuUsPerRequest: cpuUs });
  }
  return medianRun(runs);
}

/**
 * Load phases measured in turns on servers that stay up for the whole phase: one run of each, then the next round
 * (the peers phase). The on/off comparisons use compare() instead, which also starts fresh processes every round.
 */
async function measureInTurns(phases, pid) {
  for (const request of Object.values(phases)) await drive({ ...request, seconds: WARMUP });
  const runs = Object.fromEntries(Object.keys(phases).map((name) => [name, []]));
  for (let i = 0; i < REPEATS; i++) {
    for (const [name, request] of Object.entries(phases)) {
      // No pid (the direct-to-upstream phases): no process in between whose CPU time to count.
      const phasePid = request.pid ?? pid;
      const cpuBefore = phasePid ? cpuSeconds(phasePid) : 0;
      const result = await drive({ ...request, seconds: SECONDS });
      const cpuUs = phasePid && result.requests ? ((cpuSeconds(phasePid) - cpuBefore) / result.requests) * 1e6 : null;
      runs[name].push({ ...result, cpuUsPerRequest: cpuUs });
    }
  }
  return Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, medianRun(list)]));
}

/**
 * The run with the median throughput, with the median CPU per request across runs: on a shared virtual machine
 * single runs of the same build differ by ±15%, so every phase is repeated and the middle taken.
 */
function medianRun(runs) {
  const middle = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const byRps = [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)];
  const cpu = runs.every((r) => r.cpuUsPerRequest !== null) ? middle(runs.map((r) => r.cpuUsPerRequest)) : null;
  return {
    ...byRps,
    cpuUsPerRequest: cpu,
    runs: runs.map((r) => ({ rps: r.rps, cpuUsPerRequest: r.cpuUsPerRequest })),
  };
}

/**
 * Variants compared in paired rounds of fresh servers, 64 connections from the load core, non-stream and stream:
 * `{ [variant]: { nonStream, stream } }` with medians over rounds and, for compared variants, the paired ratios.
 */
function compare(servers, variants, { rounds: count, inspect } = {}) {
  return compareInRounds({
    servers,
    variants,
    rounds: count ?? rounds(5),
    seconds: ROUND_SECONDS,
    warmup: ROUND_WARMUP,
    connections: CONNECTIONS,
    cores: { gateway: GATEWAY_CORE, load: LOAD_CORE },
    inspect,
  });
}

/** One gateway per config, each serving the bench chat request: the shape of the single-route on/off phases. */
function gatewayVariants(upstreamPort, configs, baseline, env = {}) {
  const servers = Object.fromEntries(
    Object.entries(configs).map(([name, configFor]) => [name, () => startGateway(upstreamPort, configFor, env[name])]),
  );
  const variants = Object.fromEntries(
    Object.keys(configs).map((name) => [name, { server: name, baseline: name === baseline ? undefined : baseline }]),
  );
  return [servers, variants];
}

/** The four single-target phases (64 connections and 1, non-stream and stream) and the peak RSS. */
async function measureProxy({ url, pid }) {
  return {
    nonStream: await measure({ url, stream: false, connections: CONNECTIONS, pid }),
    stream: await measure({ url, stream: true, connections: CONNECTIONS, pid }),
    nonStream1: await measure({ url, stream: false, connections: 1, pid }),
    stream1: await measure({ url, stream: true, connections: 1, pid }),
    peakRssMb: peakRssMb(pid),
  };
}

async function failoverLatency(url) {
  const out = await runPinned(LOAD_CORE, process.execPath, [
    join(root, 'bench/sequential-client.mjs'),
    `${url}/v1/chat/completions`,
    TOKEN,
    body('bench', false),
    QUICK ? '400' : '2000',
  ]);
  return JSON.parse(out);
}

async function ttft(url, path, bodyText) {
  const out = await runPinned(LOAD_CORE, process.execPath, [
    join(root, 'bench/ttft-client.mjs'),
    `${url}${path}`,
    TOKEN,
    bodyText,
    QUICK ? '200' : '1000',
  ]);
  return JSON.parse(out);
}

/**
 * Three targets with health checks every second against one target, in paired rounds of two fresh gateways:
 * the three-target gateway's figures, each with its paired ratio to the single one (`single` holds that one's),
 * and the three-target gateway's peak RSS in the last round.
 */
async function measureThreeTargets(upstreamPort) {
  const { single, three, inspected } = await compare(
    ...gatewayVariants(upstreamPort, { single: SINGLE, three: THREE }, 'single'),
    { inspect: async (running) => peakRssMb(running.three.pid) },
  );
  return { ...three, single, peakRssMb: inspected };
}

/**
 * Same-dialect passthrough against translation, both client dialects, in paired rounds of one fresh gateway that
 * serves every route; then time to first token on one more.
 */
async function measureDialects(upstreamPort, direct) {
  // The floor for time to first token: the same client through the bare proxy (as for latency at 1 connection).
  const bare = await startBareProxy(direct);
  const bareTtft = await ttft(bare.url, '/v1/chat/completions', body('m1', true));
  await bare.stop();
  const chat = { server: 'gateway', path: '/v1/chat/completions', bodyOf: body };
  const messages = { server: 'gateway', path: '/v1/messages', bodyOf: messagesBody };
  const responses = (store) => ({
    server: 'gateway',
    path: '/v1/responses',
    bodyOf: (model, stream) => responsesBody(model, stream, store),
  });
  const result = await compare(
    { gateway: () => startGateway(upstreamPort, DIALECTS) },
    {
      chatPassthrough: { ...chat, model: 'via-openai' },
      chatToAnthropic: { ...chat, model: 'via-anthropic', baseline: 'chatPassthrough' },
      messagesPassthrough: { ...messages, model: 'via-anthropic' },
      messagesToOpenAI: { ...messages, model: 'via-openai', baseline: 'messagesPassthrough' },
      // Stored Responses (the default) against store: false, the same translation without the store write.
      responsesStateless: { ...responses(false), model: 'via-openai' },
      responsesStored: { ...responses(true), model: 'via-openai', baseline: 'responsesStateless' },
    },
    { rounds: rounds(3) },
  );
  const gateway = await startGateway(upstreamPort, DIALECTS);
  try {
    result.ttft = {
      directOpenAI: await ttft(direct, '/v1/chat/completions', body('m1', true)),
      directAnthropic: await ttft(direct, '/v1/messages', messagesBody('claude-bench', true)),
      chatPassthrough: await ttft(gateway.url, '/v1/chat/completions', body('via-openai', true)),
      chatToAnthropic: await ttft(gateway.url, '/v1/chat/completions', body('via-anthropic', true)),
      messagesPassthrough: await ttft(gateway.url, '/v1/messages', messagesBody('via-anthropic', true)),
      messagesToOpenAI: await ttft(gateway.url, '/v1/messages', messagesBody('via-openai', true)),
      bareProxy: bareTtft,
    };
  } finally {
    await gateway.stop();
  }
  return result;
}

/**
 * Metrics and tracing against neither, in paired rounds of three fresh gateways pinned to the same core: metrics
 * off and tracing off; metrics on (the default); tracing on at sample ratio 1 exporting to a local OTLP receiver.
 */
async function measureObservability(upstreamPort) {
  // The receiver only counts bytes; it shares the load core, which has room to spare (direct runs reach ~7× the
  // gateway's rate), so it takes nothing from the gateway's core.
  const sink = pinnedSpawn(LOAD_CORE, [join(root, 'bench/otlp-sink.mjs'), '0'], {});
  const sinkPort = Number((await waitForLine(sink, /^(\d+)\n/))[1]);
  const extras = {
    off: 'metrics: { enabled: false }\n',
    metrics: 'metrics: { enabled: true }\n',
    tracing: `metrics: { enabled: false }\ntelemetry: { otlp: { endpoint: "http://127.0.0.1:${sinkPort}", sample_ratio: 1 } }\n`,
  };
  const configs = Object.fromEntries(
    Object.entries(extras).map(([name, extra]) => [name, (upstream) => `${SINGLE(upstream)}${extra}`]),
  );
  try {
    return await compare(...gatewayVariants(upstreamPort, configs, 'off'));
  } finally {
    const exited = new Promise((resolve) => sink.once('exit', resolve));
    sink.kill('SIGTERM');
    await exited;
  }
}

/**
 * The security checks on the request path. Scrubbing: a provider with a key (every upstream byte scanned for it)
 * against the same provider without one (the ollama preset: nothing to scrub), in paired rounds. The body
 * checks (nesting depth, case-variant keys) cannot be switched off, so their own time per request is measured in
 * this process on the same body and set against the gateway's CPU per request.
 */
async function measureSecurity(upstreamPort) {
  const configs = {
    unscrubbed: (upstream) => SINGLE(upstream).replace('api_key: sk-bench,', 'preset: ollama,'),
    scrubbed: SINGLE,
  };
  const result = await compare(...gatewayVariants(upstreamPort, configs, 'unscrubbed'));
  return { ...result, bodyChecks: await bodyCheckCost() };
}

/** Microseconds per request of the depth and case-variant checks, on the bench body and on a 64 KiB one. */
async function bodyCheckCost() {
  const { nestsDeeperThan } = await import('../dist/api/shared/json-depth.js');
  const { caseVariantKey } = await import('../dist/api/shared/case-variant-keys.js');
  const time = (raw, iterations) => {
    const parsed = JSON.parse(raw.toString());
    let sink = 0;
    for (let i = 0; i < iterations / 10; i++) sink += nestsDeeperThan(raw) ? 1 : 0;
    const started = performance.now();
    for (let i = 0; i < iterations; i++) {
      if (nestsDeeperThan(raw)) sink++;
      if (caseVariantKey(parsed)) sink++;
    }
    const us = ((performance.now() - started) * 1000) / iterations;
    return sink >= 0 ? us : 0;
  };
  const small = Buffer.from(body('bench', false));
  const big = Buffer.from(
    JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'word '.repeat(13_000) }] }),
  );
  return { benchBodyUs: time(small, 200_000), body64KiBUs: time(big, 2_000), benchBodyBytes: small.length };
}

/**
 * Per-request pricing (price lookup through the shipped table by dated name, cost arithmetic, the cost in the
 * record and the metrics) against a model nothing prices, in paired rounds of one fresh gateway serving both.
 */
async function measurePricing(upstreamPort) {
  return compare(
    { gateway: () => startGateway(upstreamPort, PRICING) },
    {
      unpriced: { server: 'gateway', model: 'unpriced' },
      priced: { server: 'gateway', model: 'priced', baseline: 'unpriced' },
    },
  );
}

/**
 * The Admin UI's rollups on (the default) against off (AMG_TELEMETRY_ROLLUPS=off), in paired rounds of two fresh
 * gateways pinned to the same core. Rollups are summed and written on the store's worker thread, which is inside
 * the gateway's process, so CPU per request counts them.
 */
async function measureRollups(upstreamPort) {
  const configs = { off: SINGLE, on: SINGLE };
  return compare(...gatewayVariants(upstreamPort, configs, 'off', { off: { AMG_TELEMETRY_ROLLUPS: 'off' } }));
}

/**
 * The cloud types against OpenAI passthrough, in paired rounds of one fresh gateway serving all three: an OpenAI
 * client translated to Gemini (SSE) and to Bedrock (SigV4 per request, binary event stream).
 */
async function measureCloud(upstreamPort) {
  return compare(
    { gateway: () => startGateway(upstreamPort, DIALECTS) },
    {
      chatPassthrough: { server: 'gateway', model: 'via-openai' },
      chatToGemini: { server: 'gateway', model: 'via-gemini', baseline: 'chatPassthrough' },
      chatToBedrock: { server: 'gateway', model: 'via-bedrock', baseline: 'chatPassthrough' },
    },
  );
}

function renderCloud(x) {
  const ratios = ratioList(x, ['chatToGemini', 'chatToBedrock'], 'chatPassthrough');
  return [
    ...comparisonTable('cloud types (64 conns)', 'passthrough', [
      ['OpenAI client → OpenAI upstream (passthrough)', x.chatPassthrough],
      ['OpenAI client → Gemini (translated)', x.chatToGemini],
      ['OpenAI client → Bedrock (translated, SigV4, event stream)', x.chatToBedrock],
    ]),
    ...roundsNote(x),
    '',
    `- translated to Gemini and Bedrock ≥ 0.8 of passthrough: ${ratios.map((r) => f(r, 2)).join(' / ')} → ${pass(ratios.every((r) => r >= 0.8))}`,
  ];
}

/**
 * Client limits against none, in paired rounds of three fresh gateways pinned to the same core: a client without
 * limits; one with RPM, TPM, concurrency, a per-model limit and two budgets counted in-process; the same counted
 * in Redis, a redis-server of the bench's own on the load core (bench/bench-redis.mjs). Each Redis gateway's
 * client has a name of its own, so no round inherits another's counters.
 */
async function measureLimits(upstreamPort) {
  const redis = await startBenchRedis(LOAD_CORE);
  try {
    const variants = gatewayVariants(upstreamPort, LIMITS_VARIANTS(redis.url), 'off');
    const { inspected, ...measured } = await compare(...variants, {
      inspect: async (running) => {
        const status = await fetch(`${running.redis.url}/admin/api/status`, {
          headers: { authorization: 'Bearer bench-admin-token' },
        }).then((r) => r.json());
        return status.limits;
      },
    });
    return { redisStatus: inspected, redisPlacement: redis.placement, ...measured };
  } finally {
    await redis.stop();
  }
}

/** Portkey's gateway, pinned to the gateway's core; its stderr drained (and the tail kept) so it never blocks. */
async function startPortkey(entry) {
  const child = pinnedSpawn(GATEWAY_CORE, portkeyArgs(entry), {});
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  try {
    const [, url] = await waitForLine(child, /listening (http:\/\/[\d.]+:\d+)/);
    return serving(child, url);
  } catch (error) {
    child.kill('SIGTERM');
    throw new Error(`${error.message}\n${stderr}`);
  }
}

/**
 * Throws unless `url` answers the bench's chat request with the fake upstream's answer, non-stream and stream:
 * a peer that answers fast with errors would otherwise look like a fast peer.
 */
async function checkAnswers(name, url, { token, headers = {} }) {
  const post = (stream) =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body: body('bench', stream),
    });
  const whole = await post(false);
  const wholeText = await whole.text();
  const content = whole.status === 200 ? JSON.parse(wholeText).choices?.[0]?.message?.content : undefined;
  if (content !== 'The quick brown fox jumps over the lazy dog.') {
    throw new Error(
      `${name}: non-stream answer is not the fake upstream's (${whole.status}): ${wholeText.slice(0, 300)}`,
    );
  }
  const streamed = await post(true);
  const streamText = await streamed.text();
  if (streamed.status !== 200 || !streamText.includes('token19 ') || !streamText.trimEnd().endsWith('data: [DONE]')) {
    throw new Error(`${name}: stream is not the fake upstream's (${streamed.status}): ${streamText.slice(0, 300)}`);
  }
}

const SHAPES = {
  nonStream: { stream: false, connections: CONNECTIONS },
  stream: { stream: true, connections: CONNECTIONS },
  nonStream1: { stream: false, connections: 1 },
  stream1: { stream: true, connections: 1 },
};

/**
 * Portkey's open-source gateway side by side with ours: both pinned to the gateway core, the same fake upstream,
 * the same chat request and load shapes (64 connections and 1, non-stream and stream), in turns with the direct
 * upstream so all three meet the same machine conditions. `{ skipped }` when Portkey cannot be installed.
 */
async function measurePeers(upstreamPort, direct) {
  const portkey = ensurePortkey();
  if (portkey.skipped) return { skipped: portkey.skipped };
  const targets = {
    direct: { url: direct, request: { token: TOKEN } },
    gateway: { start: () => startGateway(upstreamPort, SINGLE), request: { token: TOKEN } },
    portkey: { start: () => startPortkey(portkey.entry), request: portkeyRequest(upstreamPort) },
  };
  const running = {};
  try {
    for (const [name, target] of Object.entries(targets)) {
      try {
        running[name] = target.start ? await target.start() : { url: target.url, pid: null };
        await checkAnswers(name, running[name].url, target.request);
      } catch (error) {
        // A peer that does not start or does not proxy is reported, not fatal: the rest of the run still counts.
        if (name === 'portkey')
          return { skipped: `Portkey ${PORTKEY_VERSION} did not proxy correctly: ${error.message}` };
        throw error;
      }
    }
    const phases = {};
    for (const [shape, { stream, connections }] of Object.entries(SHAPES)) {
      for (const [name, target] of Object.entries(targets)) {
        phases[`${name}.${shape}`] = {
          url: `${running[name].url}/v1/chat/completions`,
          body: body('bench', stream),
          ...target.request,
          connections,
          core: LOAD_CORE,
          pid: running[name].pid,
        };
      }
    }
    const loadBefore = loadavg()[0];
    const measured = await measureInTurns(phases);
    const result = {
      versions: { portkey: PORTKEY_VERSION, honoNodeServer: HONO_NODE_SERVER_VERSION },
      // Timed figures are only comparable on a quiet machine; the load they were taken at travels with them.
      loadAverage: { before: loadBefore, after: loadavg()[0] },
    };
    for (const name of Object.keys(targets)) {
      result[name] = Object.fromEntries(Object.keys(SHAPES).map((shape) => [shape, measured[`${name}.${shape}`]]));
      if (running[name].pid) result[name].peakRssMb = peakRssMb(running[name].pid);
    }
    return result;
  } finally {
    for (const server of Object.values(running)) await server.stop?.();
  }
}

function renderPeers(x) {
  if (!x) return [];
  if (x.skipped) return [`**Peers NOT measured**: ${x.skipped}`];
  const d = x.direct;
  const label = {
    nonStream: `non-stream, ${CONNECTIONS} conns`,
    stream: `stream (20 chunks), ${CONNECTIONS} conns`,
    nonStream1: 'non-stream, 1 conn',
    stream1: 'stream, 1 conn',
  };
  const cells = (m, base) =>
    `${f(m.rps)} | ${f(m.rps / base.rps, 2)} | ${f(m.cpuUsPerRequest)} | ${f(m.p50, 2)} / ${f(m.p99, 2)}`;
  const added = (m, base) => `${signed(m.p50 - base.p50, 3)} / ${signed(m.p99 - base.p99, 3)}`;
  const failed = (name) => Object.keys(SHAPES).reduce((sum, shape) => sum + x[name][shape].failed, 0);
  return [
    `| peers, in turns (Portkey ${x.versions.portkey}) | direct req/s | direct p50 / p99 ms | AI Model Gateway req/s | of direct | CPU µs/req | p50 / p99 ms | Portkey req/s | of direct | CPU µs/req | p50 / p99 ms |`,
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...Object.keys(SHAPES).map(
      (shape) =>
        `| ${label[shape]} | ${f(d[shape].rps)} | ${f(d[shape].p50, 2)} / ${f(d[shape].p99, 2)} | ${cells(x.gateway[shape], d[shape])} | ${cells(x.portkey[shape], d[shape])} |`,
    ),
    '',
    `Added latency at 1 connection (p50 / p99 over direct): AI Model Gateway non-stream ${added(x.gateway.nonStream1, d.nonStream1)} ms, stream ${added(x.gateway.stream1, d.stream1)} ms; Portkey non-stream ${added(x.portkey.nonStream1, d.nonStream1)} ms, stream ${added(x.portkey.stream1, d.stream1)} ms`,
    `Peak RSS: AI Model Gateway ${f(x.gateway.peakRssMb, 1)} MB, Portkey ${f(x.portkey.peakRssMb, 1)} MB. Failed requests (non-2xx or socket errors, all phases): direct ${failed('direct')}, AI Model Gateway ${failed('gateway')}, Portkey ${failed('portkey')}`,
    `Portkey: @portkey-ai/gateway@${x.versions.portkey} (npm, build/start-server.js --headless) with @hono/node-server@${x.versions.honoNodeServer}; headers x-portkey-provider: openai, x-portkey-custom-host: the fake upstream. Machine load average (1 min) ${f(x.loadAverage.before, 1)} → ${f(x.loadAverage.after, 1)} during the phase`,
  ];
}

/** `--only=peers`: the phase with its own report in bench/results/peers.{md,json}; exit code 1 when skipped. */
async function peersAlone(upstreamPort, direct, results) {
  const peers = await measurePeers(upstreamPort, direct);
  const report = [
    '# Portkey side by side',
    '',
    `${results.date} · Node ${results.node} · ${results.cpu} × ${results.cores} · load: ${results.tool}, ${REPEATS} × ${SECONDS}s per phase (median) · ${results.pinned ? 'both gateways pinned to core 0, upstream + load to core 1' : 'NOT pinned (taskset missing)'}`,
    '',
    ...renderPeers(peers),
  ];
  if (peers.skipped) {
    process.exitCode = 1;
  } else {
    writeFileSync(join(root, 'bench/results/peers.json'), `${JSON.stringify({ ...results, peers }, null, 2)}\n`);
    writeFileSync(join(root, 'bench/results/peers.md'), `${report.join('\n')}\n`);
  }
  return report;
}

async function main() {
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  const upstream = pinnedSpawn(LOAD_CORE, [join(root, 'bench/fake-upstream.mjs'), '0'], {});
  const upstreamPort = Number((await waitForLine(upstream, /^(\d+)\n/))[1]);
  const direct = `http://127.0.0.1:${upstreamPort}`;
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    tool: hasWrk ? 'wrk' : 'autocannon',
    pinned: hasTaskset,
    seconds: SECONDS,
    repeats: REPEATS,
    connections: CONNECTIONS,
    // The on/off phases: paired rounds of fresh gateways (rounds per phase are in each phase's runs).
    comparisons: { secondsPerRound: ROUND_SECONDS, warmup: ROUND_WARMUP },
  };
  if (ONLY) {
    // One phase alone, printed (for working on it); only the peers phase writes its own report.
    const phases = {
      observability: async () => renderObservability(await measureObservability(upstreamPort)),
      security: async () => renderSecurity(await measureSecurity(upstreamPort)),
      pricing: async () => renderPricing(await measurePricing(upstreamPort)),
      rollups: async () => [...renderRollups(await measureRollups(upstreamPort)), ''],
      limits: async () => {
        const limits = await measureLimits(upstreamPort);
        return [...renderLimits(limits), '', ...limitsTargets(limits)];
      },
      cloud: async () => renderCloud(await measureCloud(upstreamPort)),
      targets: async () => {
        const x = await measureThreeTargets(upstreamPort);
        return [
          ...comparisonTable('three targets + health checks (64 conns)', 'single', [
            ['one target', x.single],
            ['three targets, health checks every second', x],
          ]),
          ...roundsNote({ single: x.single, three: x }),
        ];
      },
      dialects: async () => renderDialects(await measureDialects(upstreamPort, direct)),
      peers: () => peersAlone(upstreamPort, direct, results),
    };
    try {
      if (!(ONLY in phases)) throw new Error(`unknown phase "${ONLY}"; one of ${Object.keys(phases).join(', ')}`);
      console.log((await phases[ONLY]()).join('\n'));
    } finally {
      upstream.kill();
    }
    return;
  }
  try {
    console.error('measuring direct-to-upstream…');
    results.direct = {
      nonStream: await measure({ url: direct, stream: false, connections: CONNECTIONS }),
      stream: await measure({ url: direct, stream: true, connections: CONNECTIONS }),
      nonStream1: await measure({ url: direct, stream: false, connections: 1 }),
      stream1: await measure({ url: direct, stream: true, connections: 1 }),
    };
    console.error('measuring the bare node:http + undici proxy (the runtime floor)…');
    const bare = await startBareProxy(direct);
    results.bareProxy = await measureProxy(bare);
    await bare.stop();
    console.error('measuring the gateway (one target)…');
    const single = await startGateway(upstreamPort, SINGLE);
    results.gateway = await measureProxy(single);
    await single.stop();
    console.error('measuring three targets with health checks against one…');
    results.threeTargets = await measureThreeTargets(upstreamPort);
    console.error('measuring dialect translation…');
    results.dialects = await measureDialects(upstreamPort, direct);
    console.error('measuring the cloud provider types…');
    results.cloud = await measureCloud(upstreamPort);
    console.error('measuring failover (primary answers 429 to half the requests)…');
    const failover = await startGateway(upstreamPort, FAILOVER);
    results.failover = {
      load: await measure({ url: failover.url, stream: false, connections: CONNECTIONS, pid: failover.pid }),
      sequential: await failoverLatency(failover.url),
    };
    await failover.stop();
    console.error('measuring metrics and tracing against neither…');
    results.observability = await measureObservability(upstreamPort);
    console.error('measuring upstream scrubbing and the body checks…');
    results.security = await measureSecurity(upstreamPort);
    console.error('measuring per-request pricing against an unpriced model…');
    results.pricing = await measurePricing(upstreamPort);
    console.error('measuring the Admin UI rollups on against off…');
    results.rollups = await measureRollups(upstreamPort);
    console.error('measuring client limits and budgets (in-process and Redis) against none…');
    results.limits = await measureLimits(upstreamPort);
    console.error('measuring Portkey side by side with the gateway and direct…');
    results.peers = await measurePeers(upstreamPort, direct);
    if (results.peers.skipped) console.error(`\n*** PEERS SKIPPED: ${results.peers.skipped} ***\n`);
  } finally {
    upstream.kill();
  }
  writeFileSync(join(root, 'bench/results/latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  const report = renderReport(results);
  writeFileSync(join(root, 'bench/results/latest.md'), `${report}\n`);
  console.log(report);
}

const f = (n, digits = 0) => (n === null || n === undefined ? '-' : n.toFixed(digits));
const pass = (ok) => (ok ? 'PASS' : 'MISS');
const signed = (n, digits) => `${n >= 0 ? '+' : ''}${f(n, digits)}`;

function renderReport(r) {
  const d = r.direct;
  const g = r.gateway;
  const added = (a, b) => (a.p50 ?? 0) - (b.p50 ?? 0);
  const seq = r.failover.sequential;
  const direct = seq.routes.direct;
  const fallback = seq.routes.fallback;
  const lines = [
    `# AI Model Gateway benchmark`,
    '',
    `${r.date} · Node ${r.node} · ${r.cpu} × ${r.cores} · load: ${r.tool}, ${r.repeats ?? 1} × ${r.seconds}s per phase (median)${r.comparisons ? `; on/off comparisons in paired rounds of fresh gateways, ${r.comparisons.secondsPerRound}s per phase and round after a warm-up of ${r.comparisons.warmup.minSeconds}–${r.comparisons.warmup.maxSeconds}s` : ''} · ${r.pinned ? 'gateway pinned to core 0, upstream + load to core 1' : 'NOT pinned (taskset missing)'}`,
    '',
    '| scenario | direct req/s | gateway req/s | ratio | direct p50 / p99 ms | gateway p50 / p99 ms | gateway CPU µs/req |',
    '|---|---|---|---|---|---|---|',
    `| non-stream, ${r.connections} conns | ${f(d.nonStream.rps)} | ${f(g.nonStream.rps)} | ${f(g.nonStream.rps / d.nonStream.rps, 2)} | ${f(d.nonStream.p50, 2)} / ${f(d.nonStream.p99, 2)} | ${f(g.nonStream.p50, 2)} / ${f(g.nonStream.p99, 2)} | ${f(g.nonStream.cpuUsPerRequest)} |`,
    `| stream (20 chunks), ${r.connections} conns | ${f(d.stream.rps)} | ${f(g.stream.rps)} | ${f(g.stream.rps / d.stream.rps, 2)} | ${f(d.stream.p50, 2)} / ${f(d.stream.p99, 2)} | ${f(g.stream.p50, 2)} / ${f(g.stream.p99, 2)} | ${f(g.stream.cpuUsPerRequest)} |`,
    `| non-stream, 1 conn | ${f(d.nonStream1.rps)} | ${f(g.nonStream1.rps)} | ${f(g.nonStream1.rps / d.nonStream1.rps, 2)} | ${f(d.nonStream1.p50, 3)} / ${f(d.nonStream1.p99, 3)} | ${f(g.nonStream1.p50, 3)} / ${f(g.nonStream1.p99, 3)} | ${f(g.nonStream1.cpuUsPerRequest)} |`,
    `| stream, 1 conn | ${f(d.stream1.rps)} | ${f(g.stream1.rps)} | ${f(g.stream1.rps / d.stream1.rps, 2)} | ${f(d.stream1.p50, 3)} / ${f(d.stream1.p99, 3)} | ${f(g.stream1.p50, 3)} / ${f(g.stream1.p99, 3)} | ${f(g.stream1.cpuUsPerRequest)} |`,
    ...bareRows(r),
    `| three targets + health checks, non-stream | | ${f(r.threeTargets.nonStream.rps)} | ${f(ratioOf(r.threeTargets.nonStream, g.nonStream), 2)} of single | | ${f(r.threeTargets.nonStream.p50, 2)} / ${f(r.threeTargets.nonStream.p99, 2)} | ${f(r.threeTargets.nonStream.cpuUsPerRequest)} |`,
    `| three targets + health checks, stream | | ${f(r.threeTargets.stream.rps)} | ${f(ratioOf(r.threeTargets.stream, g.stream), 2)} of single | | ${f(r.threeTargets.stream.p50, 2)} / ${f(r.threeTargets.stream.p99, 2)} | ${f(r.threeTargets.stream.cpuUsPerRequest)} |`,
    '',
    `Added latency at 1 connection (p50): non-stream +${f(added(g.nonStream1, d.nonStream1), 3)} ms, stream +${f(added(g.stream1, d.stream1), 3)} ms`,
    `Peak RSS of the gateway: ${f(g.peakRssMb, 1)} MB (three targets: ${f(r.threeTargets.peakRssMb, 1)} MB)`,
    ...bareSummary(r),
    `Failover (primary 429 on every second request): ${r.failover.load.requests - r.failover.load.failed}/${r.failover.load.requests} succeeded under load (${f(((r.failover.load.requests - r.failover.load.failed) / r.failover.load.requests) * 100, 2)}%), ${f(r.failover.load.rps)} req/s; sequential ${seq.ok}/${seq.ok + seq.failed} ok; p50 direct ${f(direct?.p50, 3)} ms vs via fallback ${f(fallback?.p50, 3)} ms → a fallback adds ${f((fallback?.p50 ?? 0) - (direct?.p50 ?? 0), 3)} ms`,
    '',
    ...renderDialects(r.dialects),
    '',
    ...renderObservability(r.observability),
    ...(r.security ? ['', ...renderSecurity(r.security)] : []),
    '',
    ...(r.rollups ? [...renderRollups(r.rollups), ''] : []),
    ...(r.cloud ? [...renderCloud(r.cloud), ''] : []),
    ...(r.pricing ? [...renderPricing(r.pricing), ''] : []),
    ...(r.limits ? [...renderLimits(r.limits), ''] : []),
    ...(r.peers ? [...renderPeers(r.peers), ''] : []),
    'Targets (issue): ',
    `- ≥ 8,000 req/s non-stream on one core: ${f(g.nonStream.rps)} → ${pass(g.nonStream.rps >= 8000)}`,
    `- ≤ 120 µs CPU per non-stream request: ${f(g.nonStream.cpuUsPerRequest)} → ${pass(g.nonStream.cpuUsPerRequest <= 120)}`,
    `- ≤ 180 µs CPU per 20-chunk stream: ${f(g.stream.cpuUsPerRequest)} → ${pass(g.stream.cpuUsPerRequest <= 180)}`,
    `- added p50 ≤ 0.25 ms at 1 connection: ${f(added(g.nonStream1, d.nonStream1), 3)} / ${f(added(g.stream1, d.stream1), 3)} ms → ${pass(added(g.nonStream1, d.nonStream1) <= 0.25 && added(g.stream1, d.stream1) <= 0.25)}`,
    `- peak RSS ≤ 120 MB: ${f(g.peakRssMb, 1)} → ${pass(g.peakRssMb <= 120)}`,
    `- three targets + health checks within 10% of single (paired with a single-target gateway): ${f(ratioOf(r.threeTargets.nonStream, g.nonStream), 2)} / ${f(ratioOf(r.threeTargets.stream, g.stream), 2)} → ${pass(ratioOf(r.threeTargets.nonStream, g.nonStream) >= 0.9 && ratioOf(r.threeTargets.stream, g.stream) >= 0.9)}`,
    `- failover success rate 100%: ${pass(r.failover.load.failed === 0 && seq.failed === 0)}`,
    ...dialectTargets(r.dialects),
    ...observabilityTargets(r.observability),
    ...limitsTargets(r.limits),
  ];
  return lines.join('\n');
}

/** The bare proxy's rows, when this run measured it (older result files have none). */
function bareRows(r) {
  const b = r.bareProxy;
  if (!b) return [];
  const d = r.direct;
  const row = (label, m, base, digits) =>
    `| bare node:http + undici proxy, ${label} | | ${f(m.rps)} | ${f(m.rps / base.rps, 2)} | | ${f(m.p50, digits)} / ${f(m.p99, digits)} | ${f(m.cpuUsPerRequest)} |`;
  return [
    row(`non-stream, ${r.connections} conns`, b.nonStream, d.nonStream, 2),
    row(`stream, ${r.connections} conns`, b.stream, d.stream, 2),
    row('non-stream, 1 conn', b.nonStream1, d.nonStream1, 3),
    row('stream, 1 conn', b.stream1, d.stream1, 3),
  ];
}

function bareSummary(r) {
  const b = r.bareProxy;
  if (!b) return [];
  const d = r.direct;
  const g = r.gateway;
  const added = (a, base) => (a.p50 ?? 0) - (base.p50 ?? 0);
  return [
    `Runtime floor (a bare node:http + undici proxy with no features, same pinning): added p50 at 1 connection +${f(added(b.nonStream1, d.nonStream1), 3)} / +${f(added(b.stream1, d.stream1), 3)} ms, ${f(b.nonStream.cpuUsPerRequest)} / ${f(b.stream.cpuUsPerRequest)} µs CPU per request, peak RSS ${f(b.peakRssMb, 1)} MB. The gateway's own work on top of it: ${f(g.nonStream.cpuUsPerRequest - b.nonStream.cpuUsPerRequest)} / ${f(g.stream.cpuUsPerRequest - b.stream.cpuUsPerRequest)} µs CPU and ${signed(added(g.nonStream1, b.nonStream1), 3)} / ${signed(added(g.stream1, b.stream1), 3)} ms per request (non-stream / stream).`,
  ];
}

const addedTtft = (t) => ({
  chatToAnthropic: t.chatToAnthropic.p50 - t.directAnthropic.p50,
  messagesToOpenAI: t.messagesToOpenAI.p50 - t.directOpenAI.p50,
  chatPassthrough: t.chatPassthrough.p50 - t.directOpenAI.p50,
  messagesPassthrough: t.messagesPassthrough.p50 - t.directAnthropic.p50,
});

function renderDialects(x) {
  const added = addedTtft(x.ttft);
  return [
    ...comparisonTable('dialects (64 conns)', 'passthrough', [
      ['OpenAI client → OpenAI upstream (passthrough)', x.chatPassthrough],
      ['OpenAI client → Anthropic upstream (translated)', x.chatToAnthropic],
      ['Anthropic client → Anthropic upstream (passthrough)', x.messagesPassthrough],
      ['Anthropic client → OpenAI upstream (translated)', x.messagesToOpenAI],
      ...(x.responsesStored
        ? [
            ['Responses client → OpenAI upstream, store: false', x.responsesStateless],
            ['Responses client → OpenAI upstream, stored (ratio vs store: false)', x.responsesStored],
          ]
        : []),
    ]),
    ...roundsNote(x),
    '',
    `Time to first token, p50 at 1 connection: direct OpenAI ${f(x.ttft.directOpenAI.p50, 3)} ms, direct Anthropic ${f(x.ttft.directAnthropic.p50, 3)} ms; added by the gateway: passthrough +${f(added.chatPassthrough, 3)} / +${f(added.messagesPassthrough, 3)} ms, translated OpenAI→Anthropic +${f(added.chatToAnthropic, 3)} ms, Anthropic→OpenAI +${f(added.messagesToOpenAI, 3)} ms`,
    ...(x.ttft.bareProxy
      ? [
          `Time to first token through the bare node:http + undici proxy (the floor): +${f(x.ttft.bareProxy.p50 - x.ttft.directOpenAI.p50, 3)} ms; translation adds ${signed(added.chatToAnthropic - added.messagesPassthrough, 3)} / ${signed(added.messagesToOpenAI - added.chatPassthrough, 3)} ms to the same-dialect stream of its upstream`,
        ]
      : []),
  ];
}

function dialectTargets(x) {
  const ratios = [
    ...ratioList(x, ['chatToAnthropic'], 'chatPassthrough'),
    ...ratioList(x, ['messagesToOpenAI'], 'messagesPassthrough'),
  ];
  const added = addedTtft(x.ttft);
  const worst = Math.max(added.chatToAnthropic, added.messagesToOpenAI);
  return [
    `- translated throughput ≥ 80% of passthrough: ${ratios.map((v) => f(v, 2)).join(' / ')} → ${pass(ratios.every((v) => v >= 0.8))}`,
    `- translated added time-to-first-token ≤ 1 ms: ${f(added.chatToAnthropic, 3)} / ${f(added.messagesToOpenAI, 3)} ms → ${pass(worst <= 1)}`,
  ];
}

function renderObservability(x) {
  if (!x) return [];
  return [
    ...comparisonTable('observability (64 conns, one target)', 'off', [
      ['metrics off, tracing off', x.off],
      ['metrics on (/metrics, default)', x.metrics],
      ['tracing on, sample ratio 1, OTLP to a local receiver', x.tracing],
    ]),
    ...roundsNote(x),
  ];
}

function renderRollups(x) {
  if (!x) return [];
  const ratios = ratioList(x, ['on'], 'off');
  return [
    ...comparisonTable('Admin UI rollups (64 conns, one target)', 'off', [
      ['rollups off (AMG_TELEMETRY_ROLLUPS=off)', x.off],
      ['rollups on (default: 5 grains × 6 dimensions, on the store worker)', x.on],
    ]),
    ...roundsNote(x),
    '',
    `- rollups on within 3% of off: ${ratios.map((v) => f(v, 3)).join(' / ')} → ${pass(ratios.every((v) => v >= 0.97))}`,
  ];
}

function observabilityTargets(x) {
  if (!x) return [];
  const metrics = ratioList(x, ['metrics'], 'off');
  const tracing = ratioList(x, ['tracing'], 'off');
  return [
    `- metrics on within 3% of off: ${metrics.map((v) => f(v, 3)).join(' / ')} → ${pass(metrics.every((v) => v >= 0.97))}`,
    `- tracing at ratio 1 within 10% of off: ${tracing.map((v) => f(v, 3)).join(' / ')} → ${pass(tracing.every((v) => v >= 0.9))}`,
  ];
}

function renderSecurity(x) {
  if (!x) return [];
  const checks = x.bodyChecks;
  const cpu = x.scrubbed.nonStream.cpuUsPerRequest;
  return [
    ...comparisonTable('security (64 conns, one target)', 'off', [
      ['no provider key: nothing to scrub', x.unscrubbed],
      ['provider key: every upstream byte scrubbed', x.scrubbed],
    ]),
    ...roundsNote(x),
    '',
    `Body checks (nesting depth + case-variant keys): ${f(checks.benchBodyUs, 2)} µs per ${checks.benchBodyBytes}-byte request body, ${f(checks.body64KiBUs, 1)} µs per 64 KiB body; against the gateway's ${f(cpu)} µs of CPU per request that is a ratio of ${f(cpu / (cpu - checks.benchBodyUs), 4)} to the same work without them.`,
  ];
}

function renderPricing(x) {
  return [
    ...comparisonTable('pricing (64 conns, one gateway)', 'unpriced', [
      ['model nothing prices (cost null)', x.unpriced],
      ['gpt-4o-2024-08-06 priced from the shipped table', x.priced],
    ]),
    ...roundsNote(x),
  ];
}

function renderLimits(x) {
  if (!x) return [];
  const redis = x.redisStatus?.state === 'ok' ? 'shared' : 'Redis NOT reachable: in-process fallback';
  return [
    ...comparisonTable('client limits (64 conns, one target)', 'off', [
      ['no limits on the key', x.off],
      ['RPM + TPM + concurrency + per-model RPM + day/month budgets, in-process', x.memory],
      [`the same in Redis (${redis})`, x.redis],
    ]),
    ...roundsNote(x),
    ...(x.redisPlacement ? ['', `Redis: ${x.redisPlacement}.`] : []),
  ];
}

function limitsTargets(x) {
  if (!x) return [];
  const ratios = ratioList(x, ['memory', 'redis'], 'off');
  return [
    `- limits and budgets within 10% of none (in-process non-stream / stream, Redis non-stream / stream): ${ratios.map((v) => f(v, 3)).join(' / ')} → ${pass(ratios.every((v) => v >= 0.9))}`,
  ];
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
