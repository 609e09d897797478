// node bench/tracer-work.mjs <record|all|official> <requests>: the tracer's own work for `requests` traced requests (a
// server span and one attempt span each, sample ratio 1), for counting under callgrind: `record` makes, fills and
// ends the spans and batches them in the SDK's batch processor; `all` is the gateway's path (each span encoded as
// OTLP protobuf as it ends, batched as bytes), `official` the batch processor and the official serialiser. `encode` and
// `encode-official` count serialisation alone: the spans of 2,048 requests are recorded once and serialised again
// and again, 2,048 requests' worth at a time, until `requests` have been (no batch processor, no new spans, so no
// timers or queues in the difference); `spans` counts the spans' own work alone (handed to nothing); `write` the
// spans and their encoding as the request path does them, written field by field into a batch (no queue). Nothing is sent. Run it at two sizes and difference the counts to get instructions per request, e.g.
// `bench/tracer-instructions.sh all 8192 24576`. Needs `npm run build` first.
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

const root = new URL('..', import.meta.url).pathname;
const [mode = 'all', count = '10000'] = process.argv.slice(2);
const REQUESTS = Number(count);
// TRACER_CHURN_KB=<n>: n KB of short-lived garbage per request, standing in for what the rest of a gateway request
// allocates: young-generation collections then come as often as in a serving gateway, and what the tracer keeps
// alive across them (spans waiting for their batch) is promoted and collected as it is there.
const CHURN = Math.round((Number(process.env.TRACER_CHURN_KB ?? 0) * 1024) / 528);
// Kept in a module variable so the compiler cannot drop the allocations.
let _churned;
// AMG_DIST=<dir>: another build's output (inside the checkout, for its node_modules), to count two builds alike.
const dist = process.env.AMG_DIST ?? `${root}dist`;
const { OtelRequestTracer } = await import(`${dist}/telemetry/tracing/otel-tracer.js`);
const { encodeTraceRequest } = await import(`${dist}/telemetry/tracing/otlp-span-encoder.js`);
// Builds before spans were written field by field have no span-writer.js: their tracer hands RecordedSpans to
// `record` instead (AMG_DIST of such a build counts it as it was).
const writerModule = await import(`${dist}/telemetry/tracing/span-writer.js`).catch(() => undefined);
// `all` runs the gateway's path for the default protocol (OTLP protobuf): each span is encoded as it ends and
// batches are bytes. `record` and `official` run the SDK's batch processor (the JSON protocol's queue) instead, its
// exporter swapped for one that drops each batch (`record`) or serialises it with the official protobuf
// serialiser (`official`): the earlier path, for comparison.
const protocol = mode === 'record' || mode === 'official' ? 'http/json' : 'http/protobuf';
const settings = { url: 'http://127.0.0.1:9/v1/traces', headers: {}, sampleRatio: 1, protocol };
const service = { name: 'ai-model-gateway', version: 'bench' };
// `start` imports the JSON protocol's queue; builds before it had none (AMG_DIST).
const tracer = OtelRequestTracer.start
  ? await OtelRequestTracer.start(settings, service)
  : new OtelRequestTracer(settings, service);
let bytes = 0;
const answer = { code: 0 };
if (protocol === 'http/protobuf') {
  tracer.queue.exporter = {
    export(batch, done) {
      bytes += batch.bytes.length;
      done(answer);
    },
    shutdown: async () => {},
  };
} else {
  tracer.queue.processor._exporter = {
    export(spans, done) {
      if (mode === 'official') bytes += ProtobufTraceSerializer.serializeRequest(spans).length;
      done(answer);
    },
    shutdown: async () => {},
    forceFlush: async () => {},
  };
}
// The provider's headers as the gateway's snapshot builds them (spread from the config's and the descriptor's, then
// content-type), which each attempt's trace headers are added to a copy of.
const providerHeaders = {
  ...{},
  ...{ authorization: 'Bearer sk-bench-0123456789abcdefghijklmnopqrstuvwxyz' },
  'content-type': 'application/json',
};
const target = { provider: 'up', providerType: 'openai', model: 'm1', origin: 'http://127.0.0.1:1' };
const record = (i) => ({
  id: `req_${i}_abcdefgh`,
  time: Date.now(),
  client: 'bench',
  entryPoint: 'chat.completions',
  method: 'POST',
  path: '/v1/chat/completions',
  requestedModel: 'bench',
  stream: false,
  provider: 'up',
  upstreamModel: 'm1',
  routeMode: 'direct',
  attempts: [{ provider: 'up', model: 'm1', status: 200, latencyMs: 2 }],
  status: 200,
  latencyMs: 3,
  ttfbMs: null,
  inputTokens: 12,
  outputTokens: 6,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  costUsd: 0.00001,
  errorCode: null,
  errorMessage: null,
  configRevision: 1,
});
const records = Array.from({ length: 1024 }, (_, i) => record(i));
function request(i) {
  for (let k = 0; k < CHURN; k++) _churned = new Array(64).fill(k);
  const span = tracer.startRequest({
    method: 'POST',
    path: '/v1/chat/completions',
    entryPoint: 'chat.completions',
    headers: {},
  });
  span.startAttempt(target, 0, providerHeaders);
  const done = records[i % 1024];
  span.settleAttempts(done.attempts);
  span.end(done);
}
if (mode === 'spans') {
  // The spans alone: started and ended, their fields handed to nothing (no queue, no timers, no encoding).
  if (writerModule)
    tracer.writer = {
      beginSpan() {},
      attribute() {},
      attributeRun() {},
      attributeSet() {},
      attributes() {},
      endSpan() {},
    };
  else tracer.record = () => {};
  for (let i = 0; i < REQUESTS; i++) request(i);
  console.log(`${mode}: ${REQUESTS} requests`);
} else if (mode === 'write') {
  // The spans written field by field into a protobuf batch, a new batch every 2,048 requests: the request path's
  // tracer and encoding work without the queue's timers and export (which make `all` scatter between runs).
  const { SpanBatchWriter } = await import(`${dist}/telemetry/tracing/otlp-span-encoder.js`);
  for (let i = 0; i < REQUESTS; i++) {
    if (i % 2048 === 0) {
      if (tracer.writer.finish) bytes += tracer.writer.finish().length;
      tracer.writer = new SpanBatchWriter(tracer.resource, tracer.scope, 4096);
    }
    request(i);
  }
  bytes += tracer.writer.finish().length;
  console.log(`${mode}: ${REQUESTS} requests, ${bytes} bytes written`);
} else if (mode === 'alloc') {
  // Bytes the request path's tracer work allocates per request (`write`'s work), by heap growth over `requests`
  // requests after 200,000 to warm up, with a young generation large enough that nothing is collected in between:
  // `node --expose-gc --min-semi-space-size=64 --max-semi-space-size=64 bench/tracer-work.mjs alloc 20000`.
  const { SpanBatchWriter } = await import(`${dist}/telemetry/tracing/otlp-span-encoder.js`);
  const run = (from, to) => {
    for (let i = from; i < to; i++) {
      if (i % 2048 === 0) tracer.writer = new SpanBatchWriter(tracer.resource, tracer.scope, 4096);
      request(i);
    }
  };
  run(0, 200_000);
  const { GCProfiler } = await import('node:v8');
  globalThis.gc();
  const profiler = new GCProfiler();
  profiler.start();
  const before = process.memoryUsage().heapUsed;
  run(200_000, 200_000 + REQUESTS);
  const after = process.memoryUsage().heapUsed;
  const collections = profiler.stop().statistics.length;
  console.log(
    `${mode}: ${((after - before) / REQUESTS).toFixed(0)} bytes per request over ${REQUESTS} requests (${collections} collections in the window${collections ? ': not valid, enlarge the young generation' : ''})`,
  );
} else if (mode === 'encode' || mode === 'encode-official') {
  const spans = [];
  const keep = (span) => spans.push(span);
  if (writerModule) tracer.writer = new writerModule.RecordingSpanWriter(tracer.resource, tracer.scope, keep);
  else tracer.record = keep;
  for (let i = 0; i < 2048; i++) request(i);
  const encode = mode === 'encode' ? encodeTraceRequest : (batch) => ProtobufTraceSerializer.serializeRequest(batch);
  for (let done = 0; done < REQUESTS; done += 2048) bytes += encode(spans).length;
  console.log(`${mode}: ${REQUESTS} requests, ${spans.length} spans per batch, ${bytes} bytes serialised`);
} else {
  for (let i = 0; i < REQUESTS; i++) {
    request(i);
    if (i % 4096 === 4095) await tracer.flush();
  }
  await tracer.flush();
  console.log(`${mode}: ${REQUESTS} requests, ${bytes} bytes serialised`);
}
