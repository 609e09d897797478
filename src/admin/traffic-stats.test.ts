import { describe, expect, it } from 'vitest';
import { bucketOf } from '../telemetry/latency-histogram.js';
import { toPacked } from '../telemetry/packed-histogram.js';
import type { RequestRecord } from '../telemetry/request-record.js';
import { rollupRecords } from '../telemetry/rollup.js';
import { figures, planChart, retentionMs, stepTimes } from './traffic-stats.js';

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
        latency: toPacked(d.latency),
        ttft: toPacked(d.ttft),
      }));
    const result = figures(points);
    expect(result).toMatchObject({ requests: 100, errors: 2, error_rate: 0.02, input_tokens: 100, cost_usd: 25 });
    expect(bucketOf(result.latency_p50_ms as number)).toBe(bucketOf(100));
    expect(bucketOf(result.latency_p99_ms as number)).toBe(bucketOf(2_000));
    expect(result.ttft_p50_ms).toBeNull();
  });

  it('plans the coarsest kept grain that still draws enough points', () => {
    const now = 100 * 86_400_000;
    const kept = retentionMs({ minute: 2, ten_minutes: 14, hour: 90, six_hours: 400, day: 0 });
    const plan = (range: number, at = now) => planChart(at - range, at, kept, now);
    expect(plan(3_600_000)).toMatchObject({ grain: 'minute', stepMs: 60_000 });
    expect(plan(15 * 60_000)).toMatchObject({ grain: 'minute' });
    expect(plan(6 * 3_600_000)).toMatchObject({ grain: 'ten_minutes', stepMs: 600_000 });
    expect(plan(86_400_000)).toMatchObject({ grain: 'hour', stepMs: 3_600_000 });
    expect(plan(12 * 3_600_000)).toMatchObject({ grain: 'ten_minutes', stepMs: 600_000 });
    const week = plan(7 * 86_400_000);
    expect(week).toMatchObject({ grain: 'six_hours', stepMs: 21_600_000 });
    expect(stepTimes(week)).toHaveLength(28);
    expect(plan(3 * 86_400_000)).toMatchObject({ grain: 'hour', stepMs: 3_600_000 });
    expect(plan(30 * 86_400_000)).toMatchObject({ grain: 'day', stepMs: 86_400_000 });
  });

  it('falls back to a coarser grain where the finer one is no longer kept', () => {
    const now = 100 * 86_400_000;
    const kept = retentionMs({ minute: 2, ten_minutes: 14, hour: 90, six_hours: 400, day: 0 });
    // An hour three days ago: minutes are gone, ten-minute rows remain.
    const since = now - 3 * 86_400_000;
    expect(planChart(since, since + 3_600_000, kept, now)).toMatchObject({ grain: 'ten_minutes' });
    // A day two years ago: only days are kept.
    const old = now - 500 * 86_400_000;
    expect(planChart(old, old + 86_400_000, kept, now)).toMatchObject({ grain: 'day' });
  });
});
