// The request metrics of a gateway with the bench's one target, and telemetry records to feed them: shared by
// bench/metrics-work.mjs (counted under callgrind) and bench/observability-cost.mjs (timed). Needs a build.
import { Registry } from 'prom-client';

const root = new URL('..', import.meta.url).pathname;

/** The record of a successful request to the bench's one target, latencies varied to spread over the buckets. */
export const benchRecord = (i, stream = false) => ({
  id: `req_${i}`,
  time: Date.now(),
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

/** RequestMetrics knowing the bench's names, and 1,024 records to cycle through. */
export async function benchMetrics(stream = false) {
  const { RequestMetrics } = await import(`${root}dist/telemetry/metrics/request-metrics.js`);
  const metrics = new RequestMetrics(new Registry(), false);
  metrics.setKnown({
    models: new Set(['bench']),
    providers: new Set(['up']),
    upstreamModels: new Set(['m1']),
    clients: new Set(['bench']),
  });
  return { metrics, records: Array.from({ length: 1024 }, (_, i) => benchRecord(i, stream)) };
}
