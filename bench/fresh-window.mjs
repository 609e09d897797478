// node bench/fresh-window.mjs [rounds] [--metrics] [--seconds=4] [--quick]: what a *fresh* gateway does inside the
// measured window of the observability phase's paired rounds, with tracing off and on (ratio 1, OTLP protobuf to
// bench/otlp-sink.mjs), and with `--metrics` also metrics on. Each round starts fresh gateways, warms every
// variant and mode up exactly as bench/paired-rounds.mjs does (its own warmUp and settle), then measures each in
// turns for the same seconds, the order reversed every other round. The gateways run with --trace-gc-nvp,
// --trace-opt and --trace-deopt; every line they print is filed under what was happening when it arrived
// (warm-up, a measured window, idle), so the report can say, per measured window, what V8 still did there:
// bytes allocated per request, scavenges and mark-compacts and their pauses per 10,000 requests, functions
// still being optimised (the JIT not done tiering up) and deoptimisations (which functions, why). Allocation and
// collections per request depend far less on the machine's load than the CPU µs beside them; but on a busy machine
// the timed windows serve few requests and the warm-up reaches its 10 s cap before a gateway is warm, so use:
// `--tier-up=<windows>x<requests>` [--stream]: instead of timed phases, each fresh gateway is sent the same
// fixed numbers of requests (64 at a time, through undici), the variants alternating window by window, and the
// report gives per window of requests what V8 compiled, deoptimised and collected: how many requests each variant
// needs before its JIT is done, a count that depends on requests served rather than on time or load.
// Needs `npm run build` first.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { drive } from './load.mjs';
import { cpuSeconds, settle, warmUp } from './paired-rounds.mjs';
import { body, pinnedSpawn, SINGLE, sendChat, TOKEN, waitForLine } from './scenarios.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const ROUNDS = Number(args[0] ?? 3);
const arg = (name, fallback) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const QUICK = process.argv.includes('--quick');
const SECONDS = Number(arg('seconds', QUICK ? 2 : 4));
const WARMUP = QUICK
  ? { minSeconds: 1, maxSeconds: 3, minRequests: 2000 }
  : { minSeconds: 2, maxSeconds: 10, minRequests: 10_000 };
const GATEWAY_CORE = 0;
const LOAD_CORE = 1;
const V8_FLAGS = ['--trace-gc-nvp', '--trace-opt', '--trace-deopt'];

const upstream = pinnedSpawn(LOAD_CORE, [join(root, 'bench/fake-upstream.mjs'), '0'], {});
const upstreamPort = Number((await waitForLine(upstream, /^(\d+)\n/))[1]);
const sink = pinnedSpawn(LOAD_CORE, [join(root, 'bench/otlp-sink.mjs'), '0'], {});
const sinkPort = Number((await waitForLine(sink, /^(\d+)\n/))[1]);

const extras = {
  off: 'metrics: { enabled: false }\n',
  ...(process.argv.includes('--metrics') ? { metrics: 'metrics: { enabled: true }\n' } : {}),
  tracing: `metrics: { enabled: false }\ntelemetry: { otlp: { endpoint: "http://127.0.0.1:${sinkPort}", sample_ratio: 1 } }\n`,
};

/** What V8 reported inside one labelled stretch of a gateway's life. */
function emptyWindow() {
  return {
    allocated: 0,
    scavenges: 0,
    markCompacts: 0,
    pauseMs: 0,
    optimized: 0,
    deopts: 0,
    optimizedNames: new Map(),
    deoptNames: new Map(),
  };
}

const top = (map, n = 8) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([label, count]) => `${label} ×${count}`)
    .join('; ');
const bump = (map, key, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

/** Files each line of the gateway's stdout under `state.label` at the time it arrives. */
function v8Recorder(child, state) {
  const windows = new Map();
  const windowOf = (label) => {
    let window = windows.get(label);
    if (!window) {
      window = emptyWindow();
      windows.set(label, window);
    }
    return window;
  };
  let rest = '';
  child.stdout.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      const window = windowOf(state.label);
      const gc = /\bgc=(\w+)/.exec(line)?.[1];
      if (gc !== undefined) {
        const field = (name) => Number(new RegExp(`\\b${name}=([\\d.]+)`).exec(line)?.[1] ?? 0);
        if (gc === 's') window.scavenges++;
        else window.markCompacts++;
        window.allocated += field('allocated');
        window.pauseMs += field('pause');
        continue;
      }
      // Node 20: "[completed compiling 0x… <JSFunction name (sfi = …)> (target TURBOFAN) - took …]"
      const optimized = /^\[completed compiling .*?<JSFunction (?:(\S+) )?\(sfi/.exec(line);
      if (optimized) {
        window.optimized++;
        bump(window.optimizedNames, optimized[1] ?? '(anonymous)');
        continue;
      }
      // "[bailout (kind: deopt-eager, reason: …): begin. deoptimizing 0x… <JSFunction name (sfi = …)>, …]"
      const deopt = /^\[bailout \(kind: ([^,)]*)(?:, reason: ([^)]*))?\).*?<JSFunction (?:(\S+) )?\(sfi/.exec(line);
      if (deopt) {
        window.deopts++;
        bump(window.deoptNames, `${deopt[3] ?? '(anonymous)'} (${deopt[1]}${deopt[2] ? `: ${deopt[2]}` : ''})`);
      }
    }
  });
  return windows;
}

async function startGateway(name) {
  const dir = mkdtempSync(join(tmpdir(), 'amg-fresh-'));
  const config = join(dir, 'gateway.yaml');
  writeFileSync(config, `${SINGLE(`http://127.0.0.1:${upstreamPort}/v1`)}${extras[name]}`);
  const child = pinnedSpawn(
    GATEWAY_CORE,
    [...V8_FLAGS, join(root, 'dist/cli/main.js'), 'serve', '--config', config, '--listen', '127.0.0.1:0'],
    { AMG_ADMIN_TOKEN: 'bench-admin-token', AMG_LOG_LEVEL: 'warn' },
  );
  const state = { label: 'start' };
  const windows = v8Recorder(child, state);
  const [, url] = await waitForLine(child, /API\s+(http:\/\/[\d.]+:\d+)/);
  return {
    name,
    url,
    pid: child.pid,
    state,
    windows,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const MODES = { nonStream: false, stream: true };
/** Per variant and mode: the measured windows' sums over rounds. */
const totals = {};
const fold = (name, mode, window, requests, cpuUs) => {
  const key = `${name} ${mode}`;
  totals[key] ??= { ...emptyWindow(), requests: 0, cpuUs: 0, rounds: [] };
  const total = totals[key];
  for (const field of ['allocated', 'scavenges', 'markCompacts', 'pauseMs', 'optimized', 'deopts'])
    total[field] += window[field];
  for (const [label, count] of window.optimizedNames)
    total.optimizedNames.set(label, (total.optimizedNames.get(label) ?? 0) + count);
  for (const [label, count] of window.deoptNames)
    total.deoptNames.set(label, (total.deoptNames.get(label) ?? 0) + count);
  total.requests += requests;
  total.cpuUs += cpuUs;
  total.rounds.push({
    requests,
    cpuUsPerRequest: cpuUs / requests,
    optimized: window.optimized,
    deopts: window.deopts,
  });
};

const TIER_UP = arg('tier-up', undefined);
if (TIER_UP !== undefined) {
  const [windows, perWindow] = TIER_UP.split('x').map(Number);
  const stream = process.argv.includes('--stream');
  const payload = body('bench', stream);
  let failed = 0;
  const send = async (pool, count) => {
    // Under heavy load the fake upstream's connections sometimes fail (502): counted, not fatal.
    failed += await sendChat(pool, payload, count, 64, { countFailures: true });
  };
  const table = {};
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const running = [];
      for (const name of Object.keys(extras)) running.push(await startGateway(name));
      try {
        const pools = running.map((g) => new Pool(g.url, { connections: 64 }));
        for (let k = 0; k < windows; k++) {
          const order = (k + round) % 2 ? [...running.keys()].reverse() : [...running.keys()];
          for (const i of order) {
            const gateway = running[i];
            gateway.state.label = `tier ${k}`;
            const before = cpuSeconds(gateway.pid);
            await send(pools[i], perWindow);
            await settle(gateway.pid);
            const cpuUs = (cpuSeconds(gateway.pid) - before) * 1e6;
            gateway.state.label = 'other';
            const w = gateway.windows.get(`tier ${k}`) ?? emptyWindow();
            table[`${gateway.name} ${k}`] ??= { ...emptyWindow(), cpuUs: 0, names: new Map() };
            const row = table[`${gateway.name} ${k}`];
            for (const field of ['allocated', 'scavenges', 'markCompacts', 'pauseMs', 'optimized', 'deopts'])
              row[field] += w[field];
            for (const [label, count] of w.deoptNames) bump(row.names, label, count);
            row.cpuUs += cpuUs;
          }
        }
        await Promise.all(pools.map((pool) => pool.close()));
      } finally {
        for (const gateway of running) await gateway.stop();
      }
      process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
    }
  } finally {
    upstream.kill('SIGTERM');
    sink.kill('SIGTERM');
  }
  const out = [
    `Tier-up of fresh gateways, ${stream ? 'stream' : 'non-stream'}: ${windows} windows of ${perWindow} requests (64 at a time), sums over ${ROUNDS} rounds; ${failed} requests failed; Node ${process.version}`,
    '',
    `| requests served before the window | ${Object.keys(extras)
      .map((n) => `${n}: functions optimised / deopts / scavenges / mark-compacts / CPU µs per req`)
      .join(' | ')} |`,
    `|---|${Object.keys(extras)
      .map(() => '---')
      .join('|')}|`,
  ];
  for (let k = 0; k < windows; k++) {
    const cells = Object.keys(extras).map((n) => {
      const r = table[`${n} ${k}`];
      return `${r.optimized} / ${r.deopts} / ${r.scavenges} / ${r.markCompacts} / ${(r.cpuUs / (perWindow * ROUNDS)).toFixed(0)}`;
    });
    out.push(`| ${k * perWindow} | ${cells.join(' | ')} |`);
  }
  for (const n of Object.keys(extras)) {
    const late = new Map();
    for (let k = Math.floor(windows / 2); k < windows; k++)
      for (const [label, count] of table[`${n} ${k}`].names) bump(late, label, count);
    if (late.size) out.push(`${n}, deopts in the later half: ${top(late, 12)}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  process.exit(0);
}

try {
  for (let round = 0; round < ROUNDS; round++) {
    const running = {};
    for (const name of Object.keys(extras)) running[name] = await startGateway(name);
    try {
      const phases = Object.keys(MODES).flatMap((mode) => Object.keys(extras).map((name) => ({ name, mode })));
      const order = round % 2 ? [...phases].reverse() : phases;
      const requestOf = ({ name, mode }) => ({
        url: `${running[name].url}/v1/chat/completions`,
        body: body('bench', MODES[mode]),
        token: TOKEN,
        connections: 64,
        core: LOAD_CORE,
      });
      const label = (text) => {
        for (const gateway of Object.values(running)) gateway.state.label = text;
      };
      for (const phase of order) {
        label('other');
        running[phase.name].state.label = `warm-up ${phase.mode}`;
        await warmUp(requestOf(phase), running[phase.name].pid, WARMUP);
      }
      label('other');
      for (const gateway of Object.values(running)) await settle(gateway.pid);
      for (const phase of order) {
        const gateway = running[phase.name];
        const windowLabel = `measure ${phase.mode} ${round}`;
        gateway.state.label = windowLabel;
        const before = cpuSeconds(gateway.pid);
        const result = await drive({ ...requestOf(phase), seconds: SECONDS });
        await settle(gateway.pid);
        const cpuUs = (cpuSeconds(gateway.pid) - before) * 1e6;
        gateway.state.label = 'other';
        fold(phase.name, phase.mode, gateway.windows.get(windowLabel) ?? emptyWindow(), result.requests, cpuUs);
      }
    } finally {
      for (const gateway of Object.values(running)) await gateway.stop();
    }
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
} finally {
  upstream.kill('SIGTERM');
  sink.kill('SIGTERM');
}

const lines = [
  `Measured windows of fresh gateways (${ROUNDS} rounds, ${SECONDS} s each, warm-up as the paired rounds'; Node ${process.version})`,
  '',
  '| variant, mode | requests | CPU µs/req | allocated B/req | scavenges /10k | mark-compacts /10k | GC pause ms /10k | functions optimised in window | deopts in window |',
  '|---|---|---|---|---|---|---|---|---|',
];
for (const [key, t] of Object.entries(totals)) {
  const per10k = (value) => ((value / t.requests) * 10_000).toFixed(2);
  lines.push(
    `| ${key} | ${t.requests} | ${(t.cpuUs / t.requests).toFixed(1)} | ${Math.round(t.allocated / t.requests)} | ${per10k(t.scavenges)} | ${per10k(t.markCompacts)} | ${per10k(t.pauseMs)} | ${t.optimized} | ${t.deopts} |`,
  );
}
lines.push('');
for (const [key, t] of Object.entries(totals)) {
  lines.push(
    `${key}: per round ${t.rounds.map((r) => `${r.cpuUsPerRequest.toFixed(0)} µs, ${r.optimized} opt, ${r.deopts} deopt`).join(' | ')}`,
  );
  if (t.optimizedNames.size) lines.push(`  optimised in window: ${top(t.optimizedNames, 12)}`);
  if (t.deoptNames.size) lines.push(`  deoptimised in window: ${top(t.deoptNames, 12)}`);
}
process.stdout.write(`${lines.join('\n')}\n`);
