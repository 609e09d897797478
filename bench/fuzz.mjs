// npm run fuzz [-- --per-entry N] [--seed S] [--concurrency C]: malformed requests against a gateway built from
// dist/, on every data-plane entry point and on the admin publish route, while a separate process probes /healthz
// every 50 ms. Passes when no answer is a 5xx and no probe waited over 100 ms. Writes bench/results/fuzz.{json,md}.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_TOKEN, dataPlaneCase, ENTRY_POINTS, modelsCase, publishCase, random } from './fuzz-cases.mjs';
import { DIALECTS, waitForLine } from './scenarios.mjs';

const arg = (name) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
};
const PER_ENTRY = Number(arg('--per-entry') ?? 1000);
const SEED = Number(arg('--seed') ?? 1);
const CONCURRENCY = Number(arg('--concurrency') ?? 8);
const STALL_MS = 100;
/** Blocks from this long on are listed with the cases in flight, to find which case causes them. */
const LIST_BLOCK_MS = 50;
const root = new URL('..', import.meta.url).pathname;

function startProcess(args, env = {}) {
  return spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
}

async function startUpstream() {
  const child = startProcess([join(root, 'bench/fake-upstream.mjs'), '0']);
  const [, port] = await waitForLine(child, /^(\d+)\n/);
  return { child, url: `http://127.0.0.1:${port}/v1` };
}

async function startGateway(upstreamUrl) {
  const dir = mkdtempSync(join(tmpdir(), 'amg-fuzz-'));
  const config = join(dir, 'gateway.yaml');
  const embeddings = `  - { name: emb-openai, targets: [{ provider: oa, model: e1 }] }
  - { name: emb-anthropic, targets: [{ provider: oa, model: e1 }] }
  - { name: emb-gemini, targets: [{ provider: oa, model: e1 }] }
  - { name: emb-bedrock, targets: [{ provider: oa, model: e1 }] }
`;
  writeFileSync(
    config,
    `${DIALECTS(upstreamUrl).replace('sqlite:./gateway.db', `sqlite:${join(dir, 'gateway.db')}`)}${embeddings}`,
  );
  const loopFile = join(dir, 'loop.json');
  const child = startProcess(
    [
      '--import',
      join(root, 'bench/loop-monitor.mjs'),
      join(root, 'dist/cli/main.js'),
      'serve',
      '--config',
      config,
      '--listen',
      '127.0.0.1:0',
    ],
    {
      AMG_ADMIN_TOKEN: ADMIN_TOKEN,
      AMG_LOG_LEVEL: 'error',
      AMG_LOOP_MONITOR_FILE: loopFile,
      AMG_LOOP_MONITOR_BLOCK_MS: String(LIST_BLOCK_MS),
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const [, url] = await waitForLine(child, /API\s+(http:\/\/[\d.]+:\d+)/);
  return { child, url, dir, loopFile, stderr: () => stderr };
}

/**
 * The /healthz prober, in its own process so the fuzzer's work never delays it: one probe every 50 ms, each
 * timed from send to the end of the answer. On stdin's end it prints its figures as JSON.
 */
const PROBER = `
import { request, Agent } from 'node:http';
const url = new URL(process.argv[1]);
/** The slowest answers of the run, to find what a stall came from. */
const slowest = [];
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
const waits = [];
let failures = 0;
const probe = () => {
  const started = performance.now();
  const req = request({ host: url.hostname, port: url.port, path: '/healthz', agent }, (res) => {
    res.resume();
    res.on('end', () => waits.push(performance.now() - started));
  });
  req.on('error', () => { failures++; waits.push(performance.now() - started); });
  req.end();
};
const timer = setInterval(probe, 50);
process.stdin.resume();
process.stdin.on('end', () => {
  clearInterval(timer);
  setTimeout(() => {
    process.stdout.write(JSON.stringify({ probes: waits.length, failures, waits }) + '\\n');
    process.exit(0);
  }, 300);
});
`;

/** A bare node:http server answering /healthz: probed like the gateway, it shows what the machine alone costs. */
const CONTROL = `
import { createServer } from 'node:http';
createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1', function () {
  process.stdout.write(this.address().port + '\\n');
});
`;

async function startControl() {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CONTROL], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [, port] = await waitForLine(child, /^(\d+)\n/);
  return { child, url: `http://127.0.0.1:${port}` };
}

function startProber(url) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', PROBER, url], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  return {
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve(JSON.parse(out)));
        child.stdin.end();
      }),
  };
}

/** The slowest answers of the run, to find what a stall came from. */
const slowest = [];
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
/** The last case each keep-alive socket carried. */
const lastOnSocket = new WeakMap();

/** Sends one case over HTTP; resolves with the status, or a word for what happened instead. */
function sendHttp(base, c) {
  const url = new URL(base);
  const sentAt = performance.now();
  return new Promise((resolve) => {
    const body = c.body === undefined ? undefined : Buffer.isBuffer(c.body) ? c.body : Buffer.from(c.body);
    const headers = { ...c.headers, ...(body ? { 'content-length': body.length } : {}) };
    const req = request(
      { host: url.hostname, port: url.port, method: c.method, path: c.path, headers, agent },
      (res) => {
        let code = '';
        res.on('data', (chunk) => {
          if (code.length < 400) code += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode, gatewayError: res.headers['x-gateway-error'], sample: code.slice(0, 200) }),
        );
        res.on('end', () =>
          lastOnSocket.set(req.socket, {
            case: c.name,
            path: c.path,
            status: res.statusCode,
            connection: res.headers.connection,
            endedAt: performance.now(),
          }),
        );
        res.on('error', () => resolve({ status: res.statusCode }));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('socket', (socket) => {
      // What this socket carried before, so a reset can be traced to the answer that left it closing.
      req.previousOnSocket = lastOnSocket.get(socket);
      if (req.previousOnSocket?.endedAt)
        req.previousOnSocket.idleMs = Math.round(performance.now() - req.previousOnSocket.endedAt);
      lastOnSocket.set(socket, { case: c.name, path: c.path });
    });
    req.on('error', (error) => {
      if (error.message === 'timeout') return resolve({ status: 'timeout' });
      resolve({
        status: 'reset',
        reset: {
          code: error.code ?? error.message,
          afterMs: Math.round(performance.now() - sentAt),
          reusedSocket: req.reusedSocket,
          bodyBytes: body?.length ?? 0,
          previous: req.previousOnSocket ?? null,
        },
      });
    });
    req.end(body);
  });
}

/** Writes a raw case on a fresh socket; resolves with the status of the first answer, `closed` or `timeout` (30 s). */
function sendRaw(base, c) {
  const url = new URL(base);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(c.raw);
      if (c.halfClose) socket.end();
    });
    let received = '';
    let timedOut = false;
    const done = () => {
      clearTimeout(timer);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
      // On a loaded machine an answer can take seconds: only a socket closed without one counts as `closed`.
      resolve({ status: status ? Number(status) : timedOut ? 'timeout' : 'closed', sample: received.slice(0, 200) });
      socket.destroy();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      done();
    }, 30_000);
    socket.on('data', (chunk) => {
      received += chunk;
      if (received.includes('\r\n\r\n')) setTimeout(done, 20);
    });
    socket.on('error', () => undefined);
    socket.on('close', done);
  });
}

function bodyBytes(c) {
  const body = c.raw ?? c.body;
  if (body === undefined) return 0;
  return Buffer.isBuffer(body) ? body.length : Buffer.byteLength(body);
}

/** The cases in flight during a block (the block ends at `at` and lasted about `ms`), largest body first. */
function suspects(flights, block) {
  const start = block.at - block.ms - 20;
  return flights
    .filter((f) => f.from <= block.at && f.to >= start)
    .sort((a, b) => b.bytes - a.bytes)
    .map((f) => ({ case: f.case, bytes: f.bytes, status: f.status }));
}

async function runEntry(base, label, makeCase, results) {
  const byStatus = {};
  const byCase = {};
  /** Cases the gateway closed without an answer (a bounded discard cut off, a raw request it dropped), by kind. */
  const unanswered = {};
  const fiveHundreds = [];
  /** Each connection reset with what the client knew of it: error, whether the socket was reused, and its last use. */
  const resets = [];
  /** Each case with its wall-clock span, so a block of the gateway's loop can be matched to what was in flight. */
  const flights = [];
  let next = 0;
  const worker = async () => {
    while (next < PER_ENTRY) {
      next++;
      const c = makeCase();
      const sentAt = performance.now();
      const flight = { case: c.name, bytes: bodyBytes(c), from: Date.now(), to: 0 };
      const outcome = c.raw === undefined ? await sendHttp(base, c) : await sendRaw(base, c);
      flight.to = Date.now();
      flight.status = outcome.status;
      flights.push(flight);
      slowest.push({ entry: label, case: c.name, ms: Math.round(performance.now() - sentAt), status: outcome.status });
      slowest.sort((a, b) => b.ms - a.ms);
      slowest.length = Math.min(slowest.length, 10);
      const key = String(outcome.status);
      byStatus[key] = (byStatus[key] ?? 0) + 1;
      byCase[c.name] = (byCase[c.name] ?? 0) + 1;
      if (typeof outcome.status !== 'number') {
        const what = `${c.name}: ${outcome.status}`;
        unanswered[what] = (unanswered[what] ?? 0) + 1;
        if (outcome.reset) resets.push({ case: c.name, ...outcome.reset });
      }
      if (typeof outcome.status === 'number' && outcome.status >= 500) {
        fiveHundreds.push({
          case: c.name,
          status: outcome.status,
          error: outcome.gatewayError,
          sample: outcome.sample,
        });
      }
    }
  };
  const started = performance.now();
  const startedAt = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  results[label] = {
    from: startedAt,
    to: Date.now(),
    requests: PER_ENTRY,
    seconds: (performance.now() - started) / 1000,
    byStatus,
    byCase,
    unanswered,
    resets,
    fiveHundreds: fiveHundreds.slice(0, 20),
    fiveHundredCount: fiveHundreds.length,
    flights,
  };
  process.stdout.write(`${label}: ${JSON.stringify(byStatus)}\n`);
}

function summary(probes) {
  const sorted = [...probes.waits].sort((a, b) => a - b);
  return {
    probes: probes.probes,
    failures: probes.failures,
    maxMs: sorted.at(-1) ?? 0,
    p99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
    stalls: sorted.filter((ms) => ms > STALL_MS).length,
  };
}

/** Each HTTP case that ended in a connection error, with what the socket carried before it. */
function resetLines(report) {
  const lines = [];
  for (const [label, r] of Object.entries(report.entries)) {
    for (const reset of r.resets ?? []) {
      const before = reset.previous
        ? `after ${reset.previous.case} (${reset.previous.status ?? 'no answer'}, connection: ${reset.previous.connection ?? '?'}) on that socket ${reset.previous.idleMs ?? '?'} ms earlier`
        : 'on a new socket';
      lines.push(`- ${label} ${reset.case}: ${reset.code} ${reset.afterMs} ms after sending, ${before}.`);
    }
  }
  return lines.length === 0
    ? ['- No HTTP case ended in a connection error.', '']
    : ['Connection errors:', ...lines, ''];
}

/** The longest blocks of each entry point (from LIST_BLOCK_MS on) with the cases in flight, largest body first. */
function blockLines(report) {
  const lines = [];
  for (const [label, r] of Object.entries(report.entries)) {
    for (const block of r.slowBlocks) {
      const cases = block.inFlight.map((f) => `${f.case} ${kib(f.bytes)} → ${f.status}`).join('; ');
      lines.push(`- ${label}: ${block.ms} ms with ${cases || 'nothing in flight'}`);
    }
  }
  return lines.length === 0
    ? [`No event-loop block of ${LIST_BLOCK_MS} ms or more.`, '']
    : [
        `Event-loop blocks of ${LIST_BLOCK_MS} ms or more (the 5 longest per entry point) and the cases in flight:`,
        '',
        ...lines,
        '',
      ];
}

const kib = (bytes) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1048576).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;

function markdown(report) {
  const lines = [
    `# Fuzz run (${report.date})`,
    '',
    `Node ${report.node} · seed ${report.seed} · ${report.perEntry} requests per entry point · concurrency ${report.concurrency} · ${report.seconds.toFixed(1)} s`,
    '',
    '| entry point | requests | 5xx | event-loop blocks > 100 ms | answers by status |',
    '|---|---|---|---|---|',
  ];
  for (const [label, r] of Object.entries(report.entries)) {
    const statuses = Object.entries(r.byStatus)
      .sort()
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ');
    const blocks = r.loopBlocks.length ? `${r.loopBlocks.length} (longest ${Math.max(...r.loopBlocks)} ms)` : '0';
    lines.push(`| ${label} | ${r.requests} | ${r.fiveHundredCount} | ${blocks} | ${statuses} |`);
  }
  const probeLine = (h) =>
    `${h.probes} probes, ${h.failures} failed, max ${h.maxMs.toFixed(1)} ms, p99 ${h.p99Ms.toFixed(1)} ms, ${h.stalls} over ${STALL_MS} ms`;
  const loop = report.eventLoop;
  lines.push(
    '',
    `- Gateway event loop: longest block ${loop.maxBlockMs.toFixed(1)} ms of CPU without returning to the loop, ${loop.blocksDuringRun} blocks over ${STALL_MS} ms while the requests ran and ${loop.blocksBeforeRun} before the first one (the gateway's start) (longest lag including time not scheduled: ${loop.maxLagMs.toFixed(1)} ms).`,
    `- /healthz of the gateway every 50 ms: ${probeLine(report.healthz)}.`,
    `- /healthz of a bare node:http server on the same machine (the machine's own noise): ${probeLine(report.controlHealthz)}.`,
    `- Error lines the gateway logged: ${report.gatewayErrorLines}; config revisions after the run: ${report.revisionsAfter}.`,
    '',
    ...blockLines(report),
    ...resetLines(report),
    `Result: ${report.pass ? 'PASS' : 'FAIL'} (${report.fiveHundreds} answers with a 5xx, ${loop.blocksDuringRun} event-loop blocks over ${STALL_MS} ms while the requests ran).`,
    '',
  );
  return lines.join('\n');
}

async function main() {
  const upstream = await startUpstream();
  const gateway = await startGateway(upstream.url);
  const control = await startControl();
  const prober = startProber(gateway.url);
  const controlProber = startProber(control.url);
  const rand = random(SEED);
  const entries = {};
  const started = performance.now();
  const runFrom = Date.now();
  try {
    for (const path of Object.keys(ENTRY_POINTS)) {
      await runEntry(gateway.url, `POST ${path}`, () => dataPlaneCase(rand, path), entries);
    }
    await runEntry(gateway.url, 'GET /v1/models', () => modelsCase(rand), entries);
    await runEntry(gateway.url, 'POST /admin/api/config/publish', () => publishCase(rand, upstream.url), entries);
  } finally {
    agent.destroy();
  }
  const runTo = Date.now();
  const healthz = summary(await prober.stop());
  const controlHealthz = summary(await controlProber.stop());
  control.child.kill('SIGTERM');
  const revisions = await fetch(`${gateway.url}/admin/api/config/revisions`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  }).then((r) => r.json());
  const fiveHundreds = Object.values(entries).reduce((sum, r) => sum + r.fiveHundredCount, 0);
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    seed: SEED,
    perEntry: PER_ENTRY,
    concurrency: CONCURRENCY,
    seconds: (performance.now() - started) / 1000,
    entries,
    healthz,
    controlHealthz,
    slowest,
    fiveHundreds,
    revisionsAfter: revisions.data?.length ?? null,
    gatewayErrorLines: gateway
      .stderr()
      .split('\n')
      .filter((line) => line.includes('"level":"error"')).length,
  };
  gateway.child.kill('SIGTERM');
  upstream.child.kill('SIGTERM');
  await new Promise((resolve) => gateway.child.once('exit', resolve));
  report.eventLoop = JSON.parse(readFileSync(gateway.loopFile, 'utf8'));
  // Each block over 100 ms, by the entry point whose requests were in flight when it ended.
  for (const r of Object.values(entries)) {
    const mine = report.eventLoop.blocks.filter((b) => b.at >= r.from && b.at <= r.to + 50);
    r.loopBlocks = mine.filter((b) => b.ms > STALL_MS).map((b) => b.ms);
    r.slowBlocks = mine
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map((b) => ({ ms: b.ms, inFlight: suspects(r.flights, b) }));
    delete r.flights;
  }
  // The verdict counts the blocks while the fuzzed requests ran; those before the first one are the gateway
  // starting (loading its modules), reported apart.
  const overStall = report.eventLoop.blocks.filter((b) => b.ms > STALL_MS);
  report.eventLoop.blocksDuringRun = overStall.filter((b) => b.at >= runFrom && b.at <= runTo + 50).length;
  report.eventLoop.blocksBeforeRun = overStall.filter((b) => b.at < runFrom).length;
  report.pass = fiveHundreds === 0 && report.eventLoop.blocksDuringRun === 0 && healthz.failures === 0;
  rmSync(gateway.dir, { recursive: true, force: true });
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/fuzz.json'), `${JSON.stringify(report, null, 2)}\n`);
  const md = markdown(report);
  writeFileSync(join(root, 'bench/results/fuzz.md'), md);
  process.stdout.write(`\n${md}`);
  if (fiveHundreds > 0) {
    for (const [label, r] of Object.entries(entries)) {
      for (const sample of r.fiveHundreds) process.stdout.write(`${label} ${JSON.stringify(sample)}\n`);
    }
  }
  process.exitCode = report.pass ? 0 : 1;
}

await main();
