import { describe, expect, it } from 'vitest';
import { bucketOf } from '../telemetry/latency-histogram.js';
import type { RequestRecord } from '../telemetry/request-record.js';
import { rollupRecords } from '../telemetry/rollup.js';
import { figures, planChart, stepTimes } from './traffic-stats.js';

function record(latencyMs: number, status = 200): RequestRecord {
  return {
    id: 'r',
    time: 0,
    client: 'c',
    entryPoint: 'chat.completions',
    method: 'POST',
    path: '/v1/chat/completions',
    stream: false,
    requestedModel: 'm',
    provider: 'p',
    upstreamModel: 'm',
    routeMode: 'direct',
    attempts: [],
    status,
    latencyMs,
    ttfbMs: null,
    inputTokens: 1,
    outputTokens: 2,
    cachedTokens: null,
    cacheWriteTokens: null,
    costUsd: 0.25,
    errorCode: null,
    errorMessage: null,
    configRevision: null,
  };
}

describe('traffic figures from rollups', () => {
  it('sums counts and reads percentiles exact to a bucket', () => {
    const records = [...Array.from({ length: 98 }, () => record(100)), record(2_000, 502), record(5_000, 500)];
    const points = rollupRecords(records)
      .filter((d) => d.grain === 'minute' && d.dimension === 'all')
      .map((d) => ({
        time: d.bucket,
        group: null,
        requests: d.requests,
        errors: d.errors,
        inputTokens: d.input_tokens,
        outputTokens: d.output_tokens,
        costUsd: d.cost_usd,
        latencySum: d.latency_sum,
        ttftCount: d.ttft_count,
        ttftSum: d.ttft_sum,
        latency: d.latency,
        ttft: d.ttft,
      }));
    const result = figures(points);
    expect(result).toMatchObject({ requests: 100, errors: 2, error_rate: 0.02, input_tokens: 100, cost_usd: 25 });
    expect(bucketOf(result.latency_p50_ms as number)).toBe(bucketOf(100));
    expect(bucketOf(result.latency_p99_ms as number)).toBe(bucketOf(2_000));
    expect(result.ttft_p50_ms).toBeNull();
  });

  it('plans minutes for recent short ranges and hours for long ones', () => {
    const now = 100 * 86_400_000;
    expect(planChart(now - 3_600_000, now, 2 * 86_400_000, now)).toMatchObject({ grain: 'minute', stepMs: 60_000 });
    const week = planChart(now - 7 * 86_400_000, now, 2 * 86_400_000, now);
    expect(week).toMatchObject({ grain: 'hour', stepMs: 7_200_000 });
    expect(stepTimes(week)).toHaveLength(84);
  });
});
