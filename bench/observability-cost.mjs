// node bench/observability-cost.mjs [requests]: the gateway's per-request CPU for metrics and for tracing, in
// process and apart from everything else a request does. A load phase on a busy shared machine cannot resolve a
// 3% difference; CPU time (process.cpuUsage) spent by exactly this work can, whatever else the machine runs.
// Metrics: RequestMetrics.observe of one telemetry record (counted into per-series cells). Tracing: a server span and an
// attempt span per request at sample ratio 1, exported in batches over OTLP/HTTP (protobuf, the default, and
// JSON) to bench/otlp-sink.mjs, the exports' serialisation included. Needs `npm run build` first. Prints µs per
// request for each.
import { spawn } from 'node:child_process';
import { benchMetrics } from './metrics-fixture.mjs';

const root = new URL('..', import.meta.url).pathname;
const REQUESTS = Number(process.argv[2] ?? 40_000);
const WARMUP = 10_000;
const { OtelRequestTracer } = await import(`${root}dist/telemetry/tracing/otel-tracer.js`);

/** CPU µs per call of `work` over REQUESTS calls after a warm-up, yielding now and then so exports can run. */
async function cpuPerRequest(work, settle = async () => {}) {
  for (let i = 0; i < WARMUP; i++) work(i);
  await settle();
  const before = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) {
    work(i);
    if (i % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await settle();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / REQUESTS;
}

const { metrics, records } = await benchMetrics();
const metricsUs = await cpuPerRequest((i) => metrics.observe(records[i % 1024]));

const sink = spawn(process.execPath, [`${root}bench/otlp-sink.mjs`, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve) => sink.stdout.once('data', (data) => resolve(Number(String(data).trim()))));
const target = { provider: 'up', providerType: 'openai', model: 'm1', origin: 'http://127.0.0.1:1' };
const headers = {};

/** CPU µs per request of a server span and an attempt span at ratio 1, exported with `protocol`. */
async function tracingCost(protocol) {
  const tracer = await OtelRequestTracer.start(
    { url: `http://127.0.0.1:${port}/v1/traces`, headers: {}, sampleRatio: 1, protocol },
    { name: 'ai-model-gateway', version: 'bench' },
  );
  const us = await cpuPerRequest(
    (i) => {
      const span = tracer.startRequest({
        method: 'POST',
        path: '/v1/chat/completions',
        entryPoint: 'chat.completions',
        headers,
      });
      span.startAttempt(target, 0);
      const done = records[i % 1024];
      span.settleAttempts(done.attempts);
      span.end(done);
    },
    () => tracer.flush(),
  );
  await tracer.shutdown();
  return us;
}
const json = await tracingCost('http/json');
const protobuf = await tracingCost('http/protobuf');
sink.kill('SIGTERM');

console.log(`| work per request | CPU µs |\n|---|---|`);
console.log(`| metrics: observe one record | ${metricsUs.toFixed(2)} |`);
console.log(`| tracing: 2 spans at ratio 1, exported as OTLP/JSON | ${json.toFixed(2)} |`);
console.log(`| tracing: 2 spans at ratio 1, exported as OTLP protobuf (the default) | ${protobuf.toFixed(2)} |`);
console.log(`(${REQUESTS} requests after ${WARMUP}; Node ${process.version})`);
