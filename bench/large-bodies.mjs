// node bench/large-bodies.mjs [--size BYTES] [--repeat N] [--only SUBSTRING]: sends bodies as large as the body
// limit allows to every data-plane entry point and route type of a gateway built from dist/, one at a time, while
// a separate process probes /healthz every 10 ms and a monitor preloaded into the gateway measures event-loop
// blocks by main-thread CPU (bench/loop-monitor.mjs). Prints, per case, the answer, the slowest probe during it,
// and the longest block of the gateway's main thread.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENTRY_POINTS } from './fuzz-cases.mjs';
import { DIALECTS, waitForLine } from './scenarios.mjs';

const arg = (name) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
};
const LIMIT = 10 * 1024 * 1024;
const SIZE = Number(arg('--size') ?? LIMIT - 4096);
const REPEAT = Number(arg('--repeat') ?? 1);
const ONLY = arg('--only');
const root = new URL('..', import.meta.url).pathname;
const MODELS = ['via-openai', 'via-anthropic', 'via-gemini', 'via-bedrock'];

/** Body shapes that fill the limit: one long string, many short messages (many objects), non-ASCII text. */
const SHAPES = {
  'one-string': (base, room) => ({ ...base, ...textField(base, 'a'.repeat(room)) }),
  'non-ascii': (base, room) => ({ ...base, ...textField(base, 'é😀'.repeat(Math.floor(room / 7))) }),
  'many-messages': (base, room) => {
    const message = { role: 'user', content: 'The quick brown fox jumps over the lazy dog.' };
    const count = Math.floor(room / (JSON.stringify(message).length + 1));
    const messages = Array.from({ length: count }, () => message);
    return 'input' in base && !('messages' in base)
      ? { ...base, input: base.model.startsWith('emb-') ? messages.map((m) => m.content) : messages }
      : { ...base, messages };
  },
};

function textField(base, text) {
  if ('messages' in base) return { messages: [{ role: 'user', content: text }] };
  return { input: text };
}

/** A body of the shape, grown or cut to about SIZE bytes. */
function bodyOf(path, model, shape) {
  const base = ENTRY_POINTS[path].base(model);
  let room = SIZE - 200;
  for (;;) {
    const text = JSON.stringify(SHAPES[shape](base, room));
    if (Buffer.byteLength(text) <= SIZE) return Buffer.from(text);
    room = Math.floor(room * 0.97);
  }
}

function startProcess(args, env = {}) {
  return spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
}

const PROBER = `
import { request, Agent } from 'node:http';
const url = new URL(process.argv[1]);
const agent = new Agent({ keepAlive: true, maxSockets: 2 });
let slowest = 0;
const probe = () => {
  const started = performance.now();
  const req = request({ host: url.hostname, port: url.port, path: '/healthz', agent }, (res) => {
    res.resume();
    res.on('end', () => { slowest = Math.max(slowest, performance.now() - started); setTimeout(probe, 10); });
  });
  req.on('error', () => setTimeout(probe, 10));
  req.end();
};
probe();
process.stdin.on('data', () => { process.stdout.write(slowest.toFixed(1) + '\\n'); slowest = 0; });
`;

async function main() {
  const upstream = startProcess([join(root, 'bench/fake-upstream.mjs'), '0']);
  const [, upstreamPort] = await waitForLine(upstream, /^(\d+)\n/);
  const dir = mkdtempSync(join(tmpdir(), 'amg-bodies-'));
  const config = join(dir, 'gateway.yaml');
  const url = `http://127.0.0.1:${upstreamPort}/v1`;
  writeFileSync(
    config,
    `${DIALECTS(url).replace('sqlite:./gateway.db', `sqlite:${join(dir, 'gateway.db')}`)}  - { name: emb-openai, targets: [{ provider: oa, model: e1 }] }\n`,
  );
  const loopFile = join(dir, 'loop.json');
  const gateway = startProcess(
    [
      ...(process.env.AMG_CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.AMG_CPU_PROF_DIR] : []),
      '--import',
      join(root, 'bench/loop-monitor.mjs'),
      join(root, 'dist/cli/main.js'),
      'serve',
      '--config',
      config,
      '--listen',
      '127.0.0.1:0',
    ],
    { AMG_LOG_LEVEL: 'error', AMG_LOOP_MONITOR_FILE: loopFile, AMG_LOOP_MONITOR_BLOCK_MS: '10' },
  );
  gateway.stderr.pipe(process.stderr);
  const [, base] = await waitForLine(gateway, /API\s+(http:\/\/[\d.]+:\d+)/);
  const prober = spawn(process.execPath, ['--input-type=module', '-e', PROBER, base], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const slowestProbe = () =>
    new Promise((resolve) => {
      prober.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim())));
      prober.stdin.write('\n');
    });
  const cases = [];
  for (const path of Object.keys(ENTRY_POINTS)) {
    const models = path === '/v1/embeddings' ? ['emb-openai'] : MODELS;
    for (const model of models) for (const shape of Object.keys(SHAPES)) cases.push({ path, model, shape });
  }
  const rows = [];
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const c of cases) {
    const label = `${c.path} ${c.model} ${c.shape}`;
    if (ONLY && !label.includes(ONLY)) continue;
    const body = bodyOf(c.path, c.model, c.shape);
    for (let i = 0; i < REPEAT; i++) {
      await slowestProbe();
      const blocksBefore = Date.now();
      const started = performance.now();
      const response = await fetch(`${base}${c.path}`, {
        method: 'POST',
        headers: { ...ENTRY_POINTS[c.path].headers, 'content-length': String(body.length) },
        body,
      });
      await response.arrayBuffer();
      const ms = performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 30));
      const probe = await slowestProbe();
      rows.push({
        label,
        bytes: body.length,
        status: response.status,
        ms: Math.round(ms),
        probe,
        from: blocksBefore,
        to: Date.now(),
      });
      process.stdout.write(
        `${label.padEnd(52)} ${String(body.length).padStart(9)} B  ${response.status}  ${String(Math.round(ms)).padStart(5)} ms  slowest /healthz ${String(probe).padStart(6)} ms\n`,
      );
    }
  }
  prober.kill('SIGTERM');
  gateway.kill('SIGTERM');
  upstream.kill('SIGTERM');
  await new Promise((resolve) => gateway.once('exit', resolve));
  const loop = JSON.parse(readFileSync(loopFile, 'utf8'));
  process.stdout.write('\nlongest main-thread block per case (ms of CPU, 10 ms ticks):\n');
  for (const row of rows) {
    const blocks = loop.blocks.filter((b) => b.at >= row.from && b.at <= row.to + 20).map((b) => b.ms);
    process.stdout.write(`${row.label.padEnd(52)} ${blocks.length ? Math.max(...blocks) : '<10'}\n`);
  }
  process.stdout.write(
    `\nlongest main-thread block ${loop.maxBlockMs.toFixed(0)} ms (10 ms ticks); longest lag ${loop.maxLagMs.toFixed(0)} ms; blocks over 100 ms: ${loop.blocksOver100ms}\n`,
  );
  rmSync(dir, { recursive: true, force: true });
}

await main();
