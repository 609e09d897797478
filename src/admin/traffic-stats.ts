import { emptyHistogram, quantile } from '../telemetry/latency-histogram.js';
import { addPackedText } from '../telemetry/packed-histogram.js';
import { GRAIN_MS, ROLLUP_GRAINS, type RollupGrain, type RollupPoint } from '../telemetry/rollup.js';

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
    addPackedText(latency, point.latency);
    addPackedText(ttft, point.ttft);
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

/** A chart draws at least this many steps when some grain allows it; fewer only for very short ranges. */
const MIN_POINTS = 24;

/**
 * The grain and step for a chart over [since, until): the coarsest grain still kept at `since` that gives at least
 * MIN_POINTS steps (the finest kept one for short ranges), and about `points` steps, each a whole number of
 * grains. The coarsest grain bounds the rows a chart merges: 24 h by client is 24 hour rows per client, not
 * 1,440 minute rows; 30 d is 30 day rows per client, not 720 hour rows. Zooming in re-plans with finer rows.
 */
export function planChart(
  since: number,
  until: number,
  retentionMs: Record<RollupGrain, number>,
  now: number,
  points = 120,
): ChartPlan {
  const kept = ROLLUP_GRAINS.filter((g) => now - since <= retentionMs[g]);
  const usable = kept.length > 0 ? kept : [ROLLUP_GRAINS[ROLLUP_GRAINS.length - 1] as RollupGrain];
  const coarse = usable.filter((g) => (until - since) / GRAIN_MS[g] >= MIN_POINTS);
  const grain = (coarse.length > 0 ? coarse[coarse.length - 1] : usable[0]) as RollupGrain;
  const size = GRAIN_MS[grain];
  const stepMs = Math.max(1, Math.ceil((until - since) / points / size)) * size;
  const alignedSince = since - (since % size);
  return { grain, since: alignedSince, until, stepMs };
}

/** Each grain's retention in milliseconds from its days (0 days: kept forever). */
export function retentionMs(days: Record<RollupGrain, number>): Record<RollupGrain, number> {
  const ms = (d: number) => (d === 0 ? Number.POSITIVE_INFINITY : d * 86_400_000);
  return Object.fromEntries(ROLLUP_GRAINS.map((g) => [g, ms(days[g])])) as Record<RollupGrain, number>;
}

/** One value per step across the range, zero where no traffic was recorded (charts need the gaps filled). */
export function stepTimes(plan: ChartPlan): number[] {
  const first = plan.since - (plan.since % plan.stepMs);
  const times: number[] = [];
  for (let t = first; t < plan.until; t += plan.stepMs) times.push(t);
  return times;
}
