// node bench/export-work.mjs <exports>: the OTLP export's own work for `exports` batches of a traced gateway under
// the bench's load (4,096 spans, ~1.9 MB: 2,048 requests' worth), sent one after another through the gateway's
// exporter to bench/otlp-sink.mjs in a child process; for counting under callgrind at two sizes, differenced so
// start-up cancels out, e.g. `bench/export-instructions.sh 10 30`. AMG_DIST=<dir> counts another build's exporter.
// Needs `npm run build` first.
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const dist = process.env.AMG_DIST ?? `${root}dist`;
const exports = Number(process.argv[2] ?? 10);
const { protobufTraceExporter } = await import(`${dist}/telemetry/tracing/otlp-exporter.js`);
const sink = spawn(process.execPath, [`${root}bench/otlp-sink.mjs`, '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
const port = await new Promise((resolve) => sink.stdout.once('data', (line) => resolve(Number(String(line).trim()))));
const exporter = protobufTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces`, headers: {} });
const bytes = Buffer.alloc(1_900_000, 0x2a);
for (let i = 0; i < exports; i++) {
  const result = await new Promise((resolve) => exporter.export({ bytes, spanCount: 4096 }, resolve));
  if (result.code !== 0) throw result.error ?? new Error('export failed');
}
await exporter.shutdown();
sink.kill('SIGTERM');
