// node bench/tracer-footprint.mjs [requests]: what a gateway keeps in its heap with tracing on (ratio 1, OTLP
// protobuf to bench/otlp-sink.mjs) against off, after serving `requests` requests (default 20,000, 16 at a time):
// heap used after two full collections, old and code space, and the modules each loaded (OpenTelemetry package
// files, and Node built-ins beyond off's). Allocation-free of timing, so it means the same on a loaded machine.
// AMG_DIST_BEFORE=<dir> adds a traced gateway from another build's output (a copy of dist/ inside the checkout).
// Needs `npm run build` first.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { body, DIALECTS, pinnedSpawn, sendChat, waitForLine } from './scenarios.mjs';

const root = new URL('..', import.meta.url).pathname;
const REQUESTS = Number(process.argv[2] ?? 20_000);
const PROBE = `import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { getHeapSpaceStatistics } from 'node:v8';
const require = createRequire(import.meta.url);
process.on('SIGUSR2', () => {
  gc(); gc();
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
  writeFileSync(process.env.AMG_FOOTPRINT_OUT, JSON.stringify({
    heapUsed: process.memoryUsage().heapUsed, spaces,
    files: Object.keys(require.cache), builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')),
  }));
});
`;

const upstream = pinnedSpawn(1, [join(root, 'bench/fake-upstream.mjs'), '0'], {});
const port = Number((await waitForLine(upstream, /^(\d+)\n/))[1]);
const sink = pinnedSpawn(1, [join(root, 'bench/otlp-sink.mjs'), '0'], {});
const sinkPort = Number((await waitForLine(sink, /^(\d+)\n/))[1]);
const tracing = `metrics: { enabled: false }\ntelemetry: { otlp: { endpoint: "http://127.0.0.1:${sinkPort}", sample_ratio: 1 } }\n`;
const variants = [
  ['off', 'dist', 'metrics: { enabled: false }\n'],
  ['tracing', 'dist', tracing],
  ...(process.env.AMG_DIST_BEFORE ? [['tracing-before', process.env.AMG_DIST_BEFORE, tracing]] : []),
];
const dir = mkdtempSync(join(tmpdir(), 'amg-footprint-'));
writeFileSync(join(dir, 'probe.mjs'), PROBE);
const payload = body('via-openai', false);
const results = {};
for (const [name, dist, extra] of variants) {
  const config = join(dir, `${name}.yaml`);
  writeFileSync(config, `${DIALECTS(`http://127.0.0.1:${port}/v1`)}${extra}`.replace('./gateway.db', `./${name}.db`));
  const out = join(dir, `${name}.json`);
  const gateway = pinnedSpawn(
    0,
    [
      '--expose-gc',
      `--import=${join(dir, 'probe.mjs')}`,
      join(root, dist, 'cli/main.js'),
      'serve',
      '--config',
      config,
      '--listen',
      '127.0.0.1:0',
    ],
    { AMG_ADMIN_TOKEN: 'bench-admin-token', AMG_LOG_LEVEL: 'warn', AMG_FOOTPRINT_OUT: out },
  );
  gateway.stderr.resume();
  const [, url] = await waitForLine(gateway, /API\s+(http:\/\/[\d.]+:\d+)/);
  gateway.stdout.resume();
  const pool = new Pool(url, { connections: 16 });
  await sendChat(pool, payload, REQUESTS, 16, { countFailures: true });
  await pool.close();
  // The last batch's export (1 s after its first span) finishes before the heap is read.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const pid =
    Number(readFileSync(`/proc/${gateway.pid}/task/${gateway.pid}/children`, 'utf8').trim().split(' ')[0]) ||
    gateway.pid;
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    try {
      results[name] = JSON.parse(readFileSync(out, 'utf8'));
      break;
    } catch {}
  }
  gateway.kill('SIGINT');
}
const mb = (bytes) => (bytes / 1048576).toFixed(2);
const otel = (files) => files.filter((f) => f.includes('/@opentelemetry/'));
const packages = (files) => [...new Set(otel(files).map((f) => /@opentelemetry\/([^/]+)/.exec(f)[1]))].sort();
const off = results.off;
for (const [name, r] of Object.entries(results)) {
  const extraBuiltins = r.builtins.filter((m) => !off.builtins.includes(m)).map((m) => m.slice(13));
  console.log(
    `${name}: heap used ${mb(r.heapUsed)} MB (old ${mb(r.spaces.old_space)}, code ${mb(r.spaces.code_space)}, ` +
      `large objects ${mb(r.spaces.large_object_space)}) after ${REQUESTS} requests; ` +
      `${otel(r.files).length} OpenTelemetry files (${packages(r.files).join(', ') || 'none'}); ` +
      `built-ins beyond off's: ${extraBuiltins.join(', ') || 'none'}`,
  );
}
upstream.kill('SIGTERM');
sink.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });
