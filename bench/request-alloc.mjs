// node bench/request-alloc.mjs [rounds] [requests] [--profile]: bytes the gateway's main thread allocates per
// request, OpenAI Chat Completions passthrough (client → openai upstream), non-stream and stream, at one
// connection with one request at a time as bench/one-connection.mjs sends them, with bench:memory's config
// (metrics on, tracing off). Allocation, unlike time, does not depend on the machine's load: the gateway runs
// with bench/alloc-probe.mjs preloaded, which counts the heap's growth between collections over each measured
// window. Each round measures `requests` requests of each mode; prints each round, the medians, and scavenges
// and mark-compacts per 10,000 requests.
// --tracing: also a gateway of this build tracing every request (ratio 1, OTLP to bench/otlp-sink.mjs).
// --connections=N: N requests at a time (default 1; the load phases use 64).
// AMG_DIST_BEFORE=<dir>: also runs a gateway from another build's output (a copy of dist/ inside the checkout, for
// its node_modules), measured in the same rounds: before and after a change (traced as well with --tracing).
// --profile: after the rounds, one more window of each mode per gateway with a sampling heap profile, written to
// $TMPDIR/amg-alloc-<gateway>-<mode>.heapprofile (summarise with bench/alloc-report.mjs).
// --model=via-gemini (or via-bedrock, via-anthropic): the bench's dialects config (bench/scenarios.mjs DIALECTS) and
// an OpenAI client asking for that model, so a translated route is measured the same way.
// Needs `npm run build` first.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { body, DIALECTS, pinnedSpawn, SINGLE, sendChat, waitForLine } from './scenarios.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const ROUNDS = Number(args[0] ?? 3);
const REQUESTS = Number(args[1] ?? 2_000);
const PROFILE = process.argv.includes('--profile');
const WARM_UP = 4_000;
// --connections=N: N requests at a time over N connections (default 1), as the load phases send them (64).
const CONNECTIONS = Number(process.argv.find((a) => a.startsWith('--connections='))?.slice(14) ?? 1);
const MODEL = process.argv.find((a) => a.startsWith('--model='))?.slice('--model='.length);
const MODES = { 'non-stream': body(MODEL ?? 'bench', false), stream: body(MODEL ?? 'bench', true) };

const upstream = pinnedSpawn(1, [join(root, 'bench/fake-upstream.mjs'), '0'], {});
const port = Number((await waitForLine(upstream, /^(\d+)\n/))[1]);
// --tracing: also a gateway of this build with tracing at ratio 1, OTLP protobuf to bench/otlp-sink.mjs.
const TRACING = process.argv.includes('--tracing');
const sink = TRACING ? pinnedSpawn(1, [join(root, 'bench/otlp-sink.mjs'), '0'], {}) : undefined;
const sinkPort = sink ? Number((await waitForLine(sink, /^(\d+)\n/))[1]) : 0;
const builds = {
  current: 'dist',
  ...(TRACING ? { traced: 'dist' } : {}),
  ...(process.env.AMG_DIST_BEFORE ? { before: process.env.AMG_DIST_BEFORE } : {}),
  // --bare: the floor, node:http in and undici out with nothing between (bench/bare-proxy.mjs).
  ...(process.argv.includes('--bare') ? { bare: undefined } : {}),
};
const dirs = [];

/** The lines the probe writes on the gateway's stderr, one waiter at a time. */
function probeLines(stream) {
  let rest = '';
  let waiter;
  const lines = [];
  stream.on('data', (chunk) => {
    const split = (rest + chunk).split('\n');
    rest = split.pop();
    for (const line of split) if (line.startsWith('alloc')) lines.push(line);
    if (waiter && lines.length) waiter(lines.shift());
  });
  return () =>
    new Promise((resolve) => {
      if (lines.length) resolve(lines.shift());
      else
        waiter = (line) => {
          waiter = undefined;
          resolve(line);
        };
    });
}

async function start(name, dist) {
  const dir = mkdtempSync(join(tmpdir(), 'amg-alloc-'));
  dirs.push(dir);
  // With --tracing the other build's gateway traces too: a tracing change measured before and after.
  const traced =
    name === 'traced' || (name === 'before' && TRACING)
      ? `telemetry: { otlp: { endpoint: "http://127.0.0.1:${sinkPort}", sample_ratio: 1 } }\n`
      : '';
  writeFileSync(join(dir, 'gateway.yaml'), (MODEL ? DIALECTS : SINGLE)(`http://127.0.0.1:${port}/v1`) + traced);
  const program = dist
    ? [join(root, dist, 'cli/main.js'), 'serve', '--config', join(dir, 'gateway.yaml'), '--listen', '127.0.0.1:0']
    : [join(root, 'bench/bare-proxy.mjs'), `http://127.0.0.1:${port}`];
  const gateway = pinnedSpawn(
    0,
    [
      // GATEWAY_FLAGS="--no-turbo-inlining": V8 flags for the gateways (a profile that names inlined callees).
      ...(process.env.GATEWAY_FLAGS ?? '').split(/\s+/).filter(Boolean),
      '--import',
      join(root, 'bench/alloc-probe.mjs'),
      ...program,
    ],
    {
      AMG_ADMIN_TOKEN: 'bench-admin-token-0123456789',
      AMG_LOG_LEVEL: 'warn',
      AMG_ALLOC_PROFILE: join(dir, 'profile-next'),
    },
  );
  const nextLine = probeLines(gateway.stderr);
  const [, url] = await waitForLine(gateway, /(?:API|listening)\s+(http:\/\/[\d.]+:\d+)/);
  gateway.stdout.resume();
  const pid =
    Number(readFileSync(`/proc/${gateway.pid}/task/${gateway.pid}/children`, 'utf8').trim().split(' ')[0]) ||
    gateway.pid;
  return { name, gateway, pid, dir, nextLine, pool: new Pool(url, { connections: CONNECTIONS, pipelining: 1 }) };
}

function send(g, payload, count) {
  return sendChat(g.pool, payload, count, CONNECTIONS);
}

/** One measured window: [bytes per request, scavenges, mark-compacts]. */
async function measure(g, mode, profile) {
  if (profile) writeFileSync(join(g.dir, 'profile-next'), join(tmpdir(), `amg-alloc-${g.name}-${mode}.heapprofile`));
  process.kill(g.pid, 'SIGUSR2');
  await g.nextLine();
  await send(g, MODES[mode], REQUESTS);
  // The last response's close and its record come a turn after the client has the body.
  await new Promise((resolve) => setTimeout(resolve, 50));
  process.kill(g.pid, 'SIGUSR2');
  const line = await g.nextLine();
  const [, bytes, scavenges, markCompacts] = line.split(' ').map(Number);
  if (!(bytes > 0)) throw new Error(`the probe answered ${line}`);
  return [bytes / REQUESTS, scavenges, markCompacts];
}

const gateways = [];
for (const [name, dist] of Object.entries(builds)) gateways.push(await start(name, dist));
for (const g of gateways) for (const payload of Object.values(MODES)) await send(g, payload, WARM_UP / 2);
const load = [loadavg()[0]];
const results = {};
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 ? [...gateways].reverse() : gateways;
  const line = [];
  for (const g of order) {
    for (const mode of Object.keys(MODES)) {
      const [perRequest, scavenges, markCompacts] = await measure(g, mode, false);
      results[`${g.name} ${mode}`] ??= { bytes: [], scavenges: 0, markCompacts: 0 };
      const r = results[`${g.name} ${mode}`];
      r.bytes.push(perRequest);
      r.scavenges += scavenges;
      r.markCompacts += markCompacts;
      line.push(`${g.name} ${mode} ${Math.round(perRequest)}`);
    }
  }
  console.log(`round ${round + 1}: ${line.join(', ')} B/request`);
}
load.push(loadavg()[0]);
if (PROFILE) for (const g of gateways) for (const mode of Object.keys(MODES)) await measure(g, mode, true);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const [name, r] of Object.entries(results)) {
  const per10k = (n) => ((n / (ROUNDS * REQUESTS)) * 1e4).toFixed(1);
  console.log(
    `${name}: median ${Math.round(median(r.bytes))} B/request (${Math.round(Math.min(...r.bytes))}–${Math.round(Math.max(...r.bytes))}); per 10,000 requests ${per10k(r.scavenges)} scavenges, ${per10k(r.markCompacts)} mark-compacts`,
  );
}
console.log(
  `${ROUNDS} rounds × ${REQUESTS} requests per mode; load average ${load.map((x) => x.toFixed(1)).join(' → ')}`,
);
for (const g of gateways) {
  await g.pool.close();
  g.gateway.kill('SIGINT');
}
await new Promise((resolve) => setTimeout(resolve, 1_000));
upstream.kill('SIGTERM');
sink?.kill('SIGTERM');
for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
