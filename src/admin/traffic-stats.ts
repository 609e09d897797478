import { emptyHistogram, mergeInto, quantile } from '../telemetry/latency-histogram.js';
import { GRAIN_MS, type RollupGrain, type RollupPoint } from '../telemetry/rollup.js';

/** The figures a chart point or a summary tile shows, derived from summed rollups. */
export interface TrafficFigures {
  requests: number;
  errors: number;
  error_rate: number | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  latency_p99_ms: number | null;
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);

/** Sums points (any steps, any series) and reads percentiles from the merged histograms. */
export function figures(points: readonly RollupPoint[]): TrafficFigures {
  const latency = emptyHistogram();
  const ttft = emptyHistogram();
  let requests = 0;
  let errors = 0;
  let input = 0;
  let output = 0;
  let cost = 0;
  for (const point of points) {
    requests += point.requests;
    errors += point.errors;
    input += point.inputTokens;
    output += point.outputTokens;
    cost += point.costUsd;
    mergeInto(latency, point.latency);
    mergeInto(ttft, point.ttft);
  }
  return {
    requests,
    errors,
    error_rate: requests === 0 ? null : errors / requests,
    latency_p50_ms: round(quantile(latency, 0.5)),
    latency_p95_ms: round(quantile(latency, 0.95)),
    latency_p99_ms: round(quantile(latency, 0.99)),
    ttft_p50_ms: round(quantile(ttft, 0.5)),
    ttft_p95_ms: round(quantile(ttft, 0.95)),
    input_tokens: input,
    output_tokens: output,
    cost_usd: Math.round(cost * 1e6) / 1e6,
  };
}

export interface ChartPlan {
  grain: RollupGrain;
  since: number;
  until: number;
  stepMs: number;
}

/**
 * The grain and step for a chart over [since, until): per-minute rows while they are kept and the range is at
 * most a day, per-hour rows beyond; about `points` steps, each a whole number of grains.
 */
export function planChart(
  since: number,
  until: number,
  minuteRetentionMs: number,
  now: number,
  points = 120,
): ChartPlan {
  const useMinutes = until - since <= 86_400_000 && now - since <= minuteRetentionMs;
  const grain: RollupGrain = useMinutes ? 'minute' : 'hour';
  const size = GRAIN_MS[grain];
  const stepMs = Math.max(1, Math.ceil((until - since) / points / size)) * size;
  const alignedSince = since - (since % size);
  return { grain, since: alignedSince, until, stepMs };
}

/** One value per step across the range, zero where no traffic was recorded (charts need the gaps filled). */
export function stepTimes(plan: ChartPlan): number[] {
  const first = plan.since - (plan.since % plan.stepMs);
  const times: number[] = [];
  for (let t = first; t < plan.until; t += plan.stepMs) times.push(t);
  return times;
}
