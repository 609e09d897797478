// node bench/metrics-work.mjs <non-stream|stream> <requests>: RequestMetrics.observe of the OpenAI passthrough
// bench's telemetry record (one attempt, input and output tokens, a cost; a stream also has its time to first
// token), 20,000 times to warm up, then `requests` more, for counting under callgrind. Run it at 0 and at 100,000
// and difference the two counts to get instructions per request, e.g.
// `valgrind --tool=callgrind node bench/metrics-work.mjs stream 100000`. Needs `npm run build` first.
import { Registry } from 'prom-client';

const root = new URL('..', import.meta.url).pathname;
const [mode = 'non-stream', count = '100000'] = process.argv.slice(2);
const stream = mode === 'stream';
const { RequestMetrics } = await import(`${root}dist/telemetry/metrics/request-metrics.js`);

/** The record of a successful request to the bench's one target, latencies varied to spread over the buckets. */
const record = (i) => ({
  id: `req_${i}`,
  time: 0,
  client: 'bench',
  entryPoint: 'chat.completions',
  requestedModel: 'bench',
  stream,
  provider: 'up',
  upstreamModel: 'm1',
  routeMode: 'direct',
  attempts: [{ provider: 'up', model: 'm1', status: 200, errorClass: null, error: null, latencyMs: 2 + (i % 50) }],
  status: 200,
  latencyMs: 3 + (i % 700),
  ttfbMs: stream ? 1 + (i % 40) : null,
  inputTokens: 12,
  outputTokens: 6,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  costUsd: 0.00001,
  errorCode: null,
});

const metrics = new RequestMetrics(new Registry(), false);
metrics.setKnown({
  models: new Set(['bench']),
  providers: new Set(['up']),
  upstreamModels: new Set(['m1']),
  clients: new Set(['bench']),
});
const records = Array.from({ length: 1024 }, (_, i) => record(i));
for (let i = 0; i < 20_000 + Number(count); i++) metrics.observe(records[i % 1024]);
