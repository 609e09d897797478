import { describe, expect, it } from 'vitest';
import { bucketOf, emptyHistogram } from '../telemetry/latency-histogram.js';
import { toPacked } from '../telemetry/packed-histogram.js';
import type { RollupPoint } from '../telemetry/rollup.js';
import { OTHER, seriesOf } from './dashboard-routes.js';
import type { ChartPlan } from './traffic-stats.js';

const STEP = 60_000;
const STEPS = 60;
const plan: ChartPlan = { grain: 'minute', since: 0, until: STEPS * STEP, stepMs: STEP };

/** A group's point at step `t`: `requests` requests of `latencyMs` each (no histogram without it). */
function point(group: string, t: number, requests: number, latencyMs?: number): RollupPoint {
  const latency = emptyHistogram();
  if (latencyMs !== undefined) latency[bucketOf(latencyMs)] = requests;
  return {
    time: t * STEP,
    group,
    requests,
    errors: 0,
    inputTokens: requests,
    outputTokens: 0,
    costUsd: 0,
    latencySum: requests * (latencyMs ?? 0),
    ttftCount: 0,
    ttftSum: 0,
    latency: latencyMs === undefined ? '' : toPacked(latency),
    ttft: '',
  };
}

describe('a grouped chart folded into its top series and `other`', () => {
  it('sums every folded group point by point, over thousands of folded groups', () => {
    // A chart by client key on a gateway with thousands of keys, each busy at every step (latencies only for
    // the eight busiest and the busiest folded one).
    const keys = 4_000;
    const points: RollupPoint[] = [];
    for (let k = 0; k < keys; k++) {
      const [requests, latencyMs] = k < 8 ? [1_000, 100] : k === 8 ? [2, 5_000] : [1, undefined];
      for (let t = 0; t < STEPS; t++) points.push(point(`key-${k}`, t, requests, latencyMs));
    }
    const { series, folded } = seriesOf(points, plan, 9);
    expect(series.map((s) => s.group)).toEqual([...Array.from({ length: 8 }, (_, k) => `key-${k}`), OTHER]);
    expect(folded).toHaveLength(keys - 8);
    const other = series[8]?.points ?? [];
    expect(other).toHaveLength(STEPS);
    for (const p of other) expect(p).toMatchObject({ requests: keys - 7, input_tokens: keys - 7 });
    expect(other[0]?.latency_p50_ms).toBeGreaterThan(1_000);
  });
});
