// node bench/tracing-gateway-cpu.mjs [rounds] [requests] [--stream] [--ratio0] [--cpu-prof] [--gc] [--warmup=N]
// [--connections=N]: gateway CPU µs per request (utime + stime of the
// gateway process, from /proc) with tracing off and on (ratio 1, OTLP protobuf to bench/otlp-sink.mjs), one gateway
// each, measured in interleaved rounds of a fixed number of requests (16 at a time) so the machine's other load
// falls on both alike; prints each round and the medians. CPU per request is much less load-sensitive than
// throughput. `--gc` runs the gateways with --trace-gc-nvp and also reports, per request over the measured rounds,
// the bytes V8 allocated and promoted, scavenges and mark-compacts and GC pause: unlike time, allocation does not
// depend on the machine's load; also the mean heap size after each gateway's mark-compacts. `--loaded` adds a gateway
// with tracing off that loads the packages the tracer's chunk imports anyway (`--import`): what loading them costs a
// serving gateway, apart from tracing's work. `--warmup=N` (default 8,000) requests are sent to each gateway before
// the first round: `--warmup=0` measures fresh gateways from their first request, round by round (how tracing's
// cost changes as both warm up). `--connections=N` (default 16; bench/run.mjs uses 64). Needs `npm run build` first.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { body, DIALECTS, pinnedSpawn, sendChat, waitForLine } from './scenarios.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const ROUNDS = Number(args[0] ?? 5);
const REQUESTS = Number(args[1] ?? 10_000);
const STREAM = process.argv.includes('--stream');
const PROFILE = process.argv.includes('--cpu-prof');
const GC = process.argv.includes('--gc');
const TICK_US = 1e6 / 100;
const option = (name, fallback) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const WARMUP = option('warmup', 8000);
const CONNECTIONS = option('connections', 16);

/** Sums of --trace-gc-nvp's per-collection fields, read from a gateway's stdout. */
function gcCounter(stream) {
  const sums = { allocated: 0, promoted: 0, survived: 0, pause: 0, scavenges: 0, markCompacts: 0, heapAfterMc: 0 };
  let rest = '';
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      const field = (name) => Number(new RegExp(`\\b${name}=([\\d.]+)`).exec(line)?.[1] ?? 0);
      const kind = /\bgc=(\w+)/.exec(line)?.[1];
      if (kind === undefined) continue;
      if (kind === 's') sums.scavenges++;
      else {
        sums.markCompacts++;
        sums.heapAfterMc += field('total_size_after');
      }
      sums.allocated += field('allocated');
      sums.promoted += field('promoted');
      sums.survived += field('new_space_survived');
      sums.pause += field('pause');
    }
  });
  return sums;
}

/** [user, system] CPU µs of a process so far. */
function cpuUs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return [Number(fields[11]) * TICK_US, Number(fields[12]) * TICK_US, Number(fields[7])];
}

const upstream = pinnedSpawn(1, [join(root, 'bench/fake-upstream.mjs'), '0'], {});
const port = Number((await waitForLine(upstream, /^(\d+)\n/))[1]);
const sink = pinnedSpawn(1, [join(root, 'bench/otlp-sink.mjs'), '0'], {});
const sinkPort = Number((await waitForLine(sink, /^(\d+)\n/))[1]);
const tracing = (ratio) =>
  `metrics: { enabled: false }\ntelemetry: { otlp: { endpoint: "http://127.0.0.1:${sinkPort}", sample_ratio: ${ratio} } }\n`;
const variants = {
  off: 'metrics: { enabled: false }\n',
  tracing: tracing(1),
  // `--ratio0`: tracing on but nothing sampled (trace headers upstream, no spans, no export), to tell the two apart.
  ...(process.argv.includes('--ratio0') ? { ratio0: tracing(0) } : {}),
  ...(process.argv.includes('--loaded') ? { 'off+otel-loaded': 'metrics: { enabled: false }\n' } : {}),
  // AMG_DIST_BEFORE=<dir>: a gateway from another build's output (a copy of dist/ inside the checkout, for its
  // node_modules) traced alike, measured in the same rounds: before and after a change under the same load.
  ...(process.env.AMG_DIST_BEFORE ? { 'tracing-before': tracing(1) } : {}),
};
const dirs = [];
/** A module importing the packages dist/cli/main-otel-tracer.js imports (as the traced gateway loads them). */
function tracerPackages(dir) {
  const chunk = readFileSync(join(root, 'dist/cli/main-otel-tracer.js'), 'utf8');
  const packages = [...chunk.matchAll(/^import .* from "(@[^"]+)";$/gm)].map((m) => m[1]);
  const file = join(dir, 'otel-packages.mjs');
  const { resolve } = createRequire(join(root, 'dist/cli/main.js'));
  writeFileSync(file, packages.map((id) => `import '${resolve(id)}';\n`).join(''));
  return file;
}
async function start(name, extra) {
  const dir = mkdtempSync(join(tmpdir(), 'amg-trc-'));
  dirs.push(dir);
  const config = join(dir, 'gateway.yaml');
  writeFileSync(config, `${DIALECTS(`http://127.0.0.1:${port}/v1`)}${extra}`);
  const flags = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${tmpdir()}/amg-prof-${name}`] : [];
  // GATEWAY_FLAGS="--trace-deopt": V8 flags for the gateways; GATEWAY_LOG=1 passes their stderr and stdout on.
  flags.push(...(process.env.GATEWAY_FLAGS ?? '').split(/\s+/).filter(Boolean));
  if (GC) flags.push('--trace-gc-nvp');
  if (name === 'off+otel-loaded') flags.push(`--import=${tracerPackages(dir)}`);
  const gateway = pinnedSpawn(
    0,
    [
      ...flags,
      join(root, name === 'tracing-before' ? process.env.AMG_DIST_BEFORE : 'dist', 'cli/main.js'),
      'serve',
      '--config',
      config,
      '--listen',
      '127.0.0.1:0',
    ],
    {
      AMG_ADMIN_TOKEN: 'bench-admin-token',
      AMG_LOG_LEVEL: 'warn',
    },
  );
  if (process.env.GATEWAY_LOG) gateway.stderr.pipe(process.stderr);
  else gateway.stderr.resume();
  const [, url] = await waitForLine(gateway, /API\s+(http:\/\/[\d.]+:\d+)/);
  const gc = GC ? gcCounter(gateway.stdout) : undefined;
  if (process.env.GATEWAY_LOG) gateway.stdout.pipe(process.stdout);
  else gateway.stdout.resume();
  const pid =
    Number(readFileSync(`/proc/${gateway.pid}/task/${gateway.pid}/children`, 'utf8').trim().split(' ')[0]) ||
    gateway.pid;
  return { name, gateway, pid, gc, pool: new Pool(url, { connections: CONNECTIONS }) };
}
const payload = body('via-openai', STREAM);
const send = (pool, count) => sendChat(pool, payload, count, CONNECTIONS);
const gateways = [];
for (const [name, extra] of Object.entries(variants)) gateways.push(await start(name, extra));
for (const g of gateways) if (WARMUP > 0) await send(g.pool, WARMUP);
const systemSums = {};
const faultSums = {};
const gcSums = {};
const results = Object.fromEntries(gateways.map((g) => [g.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const g of round % 2 ? [...gateways].reverse() : gateways) {
    const [user, system, faults] = cpuUs(g.pid);
    const gcBefore = { ...g.gc };
    await send(g.pool, REQUESTS);
    await new Promise((r) => setTimeout(r, 300));
    const [userAfter, systemAfter, faultsAfter] = cpuUs(g.pid);
    if (g.gc) {
      gcSums[g.name] ??= {};
      const sums = gcSums[g.name];
      for (const key of Object.keys(g.gc)) sums[key] = (sums[key] ?? 0) + g.gc[key] - gcBefore[key];
      g.roundAllocatedKb = (g.gc.allocated - gcBefore.allocated) / 1024 / REQUESTS;
    }
    faultSums[g.name] = (faultSums[g.name] ?? 0) + (faultsAfter - faults) / REQUESTS;
    results[g.name].push((userAfter - user + systemAfter - system) / REQUESTS);
    systemSums[g.name] = (systemSums[g.name] ?? 0) + (systemAfter - system) / REQUESTS;
  }
  console.log(
    `round ${round + 1}: ${gateways.map((g) => `${g.name} ${results[g.name].at(-1).toFixed(1)}${GC ? ` (${g.roundAllocatedKb.toFixed(1)} kB)` : ''}`).join(', ')}; tracing − off ${(results.tracing.at(-1) - results.off.at(-1)).toFixed(1)} µs`,
  );
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const off = median(results.off);
const on = median(results.tracing);
const medians = gateways.map((g) => `${g.name} ${median(results[g.name]).toFixed(1)}`).join(', ');
const kernel = gateways.map((g) => `${g.name} ${(systemSums[g.name] / ROUNDS).toFixed(1)}`).join(', ');
const faults = gateways.map((g) => `${g.name} ${(faultSums[g.name] / ROUNDS).toFixed(2)}`).join(', ');
console.log(`median CPU µs/request: ${medians}; mean kernel part: ${kernel}; minor page faults per request: ${faults}`);
// Each round's difference from off in that same round, the median of those: the machine's load moves between
// rounds more than within one.
const paired = gateways
  .filter((g) => g.name !== 'off')
  .map((g) => `${g.name} ${median(results[g.name].map((us, round) => us - results.off[round])).toFixed(1)}`);
if (GC) {
  const per = (name, key, scale) => ((gcSums[name][key] / (REQUESTS * ROUNDS)) * scale).toFixed(2);
  for (const g of gateways) {
    const sums = gcSums[g.name];
    const heapMb = sums.markCompacts ? (sums.heapAfterMc / sums.markCompacts / 1048576).toFixed(1) : '-';
    console.log(
      `${g.name} GC per request: allocated ${per(g.name, 'allocated', 1 / 1024)} kB, promoted ${per(g.name, 'promoted', 1)} B, survived ${per(g.name, 'survived', 1)} B; per 10k requests: ${per(g.name, 'scavenges', 1e4)} scavenges, ${per(g.name, 'markCompacts', 1e4)} mark-compacts, ${per(g.name, 'pause', 1e4)} ms paused; heap after mark-compact ${heapMb} MB`,
    );
  }
}
console.log(`median of per-round differences from off, CPU µs/request: ${paired.join(', ')}`);
console.log(
  `${STREAM ? 'stream' : 'non-stream'} median CPU µs/request: off ${off.toFixed(1)}, tracing ${on.toFixed(1)}, delta ${(on - off).toFixed(1)} (${REQUESTS} requests x ${ROUNDS} rounds)`,
);
for (const g of gateways) {
  await g.pool.close();
  g.gateway.kill('SIGINT');
}
await new Promise((r) => setTimeout(r, 1500));
upstream.kill('SIGTERM');
sink.kill('SIGTERM');
for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
