import { BUCKETS, bucketOf } from './latency-histogram.js';
import type { PackedHistogram } from './packed-histogram.js';
import type { RequestRecord } from './request-record.js';

/**
 * Rollup grains, finest first. A chart reads the coarsest grain that still draws enough points for its range, so
 * the rows it merges stay in the hundreds to low thousands whatever the range: 1 h from minutes, 24 h from
 * ten-minute rows, 24 h from hours, 7 d from six-hour rows, 30 d and beyond from days (bench:admin measures each).
 */
export const ROLLUP_GRAINS = ['minute', 'ten_minutes', 'hour', 'six_hours', 'day'] as const;
export type RollupGrain = (typeof ROLLUP_GRAINS)[number];
export const GRAIN_MS: Record<RollupGrain, number> = {
  minute: 60_000,
  ten_minutes: 600_000,
  hour: 3_600_000,
  six_hours: 21_600_000,
  day: 86_400_000,
};

/** The dimensions charts group by; absent values are '' so they group (SQL NULLs never compare equal). */
export const ROLLUP_DIMENSIONS = ['model', 'provider', 'client', 'entry_point', 'status_class'] as const;
export type RollupDimension = (typeof ROLLUP_DIMENSIONS)[number];

/**
 * Each request is counted once per dimension (and once in `all`), not once per combination of dimensions: a
 * chart groups by one dimension at a time, and a month of combinations was too many rows to sum within a chart's
 * budget (bench:admin), while a row per dimension value keeps 30 days by client to a few thousand rows.
 */
const STORED_DIMENSIONS = ['all', ...ROLLUP_DIMENSIONS] as const;
export type StoredDimension = (typeof STORED_DIMENSIONS)[number];

/** What one rollup row adds up: the sums and both histograms, for one bucket of time and one set of dimensions. */
export interface RollupDelta {
  grain: RollupGrain;
  bucket: number;
  dimension: StoredDimension;
  /** The dimension's value ('' for `all` and for absent values). */
  value: string;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_sum: number;
  ttft_count: number;
  ttft_sum: number;
  /** The usage report's sums (USAGE_SUMS): tokens that are parts of input and output, and unpriced requests. */
  cached_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  unpriced: number;
  latency: number[];
  ttft: number[];
}

/**
 * Rollups are on unless AMG_TELEMETRY_ROLLUPS=off: a switch for measuring what they cost (`npm run bench`
 * runs the data plane both ways), not an operating mode — the Admin UI's charts read nothing else.
 */
export function rollupsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.AMG_TELEMETRY_ROLLUPS !== 'off';
}

/** 2xx, 4xx, 5xx..., with 429 apart: rate limiting is its own story in an incident. */
export function statusClass(status: number): string {
  if (status === 429) return '429';
  if (status >= 100 && status < 600) return `${Math.floor(status / 100)}xx`;
  return 'other';
}

function newDelta(grain: RollupGrain, bucket: number, dimension: StoredDimension, value: string): RollupDelta {
  return {
    grain,
    bucket,
    dimension,
    value,
    requests: 0,
    errors: 0,
    input_tokens: 0,
    output_tokens: 0,
    cost_usd: 0,
    latency_sum: 0,
    ttft_count: 0,
    ttft_sum: 0,
    cached_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    unpriced: 0,
    latency: new Array<number>(BUCKETS).fill(0),
    ttft: new Array<number>(BUCKETS).fill(0),
  };
}

/** The dimension values of one record, in STORED_DIMENSIONS order. */
function dimensionValues(record: RequestRecord): string[] {
  return [
    '',
    record.requestedModel ?? '',
    record.provider ?? '',
    record.client ?? '',
    record.entryPoint,
    statusClass(record.status),
  ];
}

function add(delta: RollupDelta, record: RequestRecord): void {
  delta.requests++;
  if (record.status >= 400) delta.errors++;
  delta.input_tokens += record.inputTokens ?? 0;
  delta.output_tokens += record.outputTokens ?? 0;
  delta.cost_usd += record.costUsd ?? 0;
  delta.cached_tokens += record.cachedTokens ?? 0;
  delta.cache_write_tokens += record.cacheWriteTokens ?? 0;
  delta.reasoning_tokens += record.reasoningTokens ?? 0;
  // As the request log counts it: tokens counted, no price for them.
  if (record.costUsd === null && record.inputTokens !== null) delta.unpriced++;
  delta.latency_sum += record.latencyMs;
  (delta.latency[bucketOf(record.latencyMs)] as number)++;
  if (record.ttfbMs !== null) {
    delta.ttft_count++;
    delta.ttft_sum += record.ttfbMs;
    (delta.ttft[bucketOf(record.ttfbMs)] as number)++;
  }
}

/** The summed fields of a rollup row, which are also its summed columns (rollup-columns.ts). */
export const ROLLUP_SUMS = [
  'requests',
  'errors',
  'input_tokens',
  'output_tokens',
  'cost_usd',
  'latency_sum',
  'ttft_count',
  'ttft_sum',
] as const;

/**
 * The sums only the usage report reads (migration 0023 added them): with ROLLUP_SUMS they are every column of
 * the usage report, so its window is summed from rollup rows rather than from every request of the window.
 */
export const USAGE_SUMS = ['cached_tokens', 'cache_write_tokens', 'reasoning_tokens', 'unpriced'] as const;

function merge(into: RollupDelta, from: RollupDelta): void {
  for (const sum of ROLLUP_SUMS) into[sum] += from[sum];
  for (const sum of USAGE_SUMS) into[sum] += from[sum];
  for (let i = 0; i < BUCKETS; i++) {
    into.latency[i] = (into.latency[i] ?? 0) + (from.latency[i] ?? 0);
    into.ttft[i] = (into.ttft[i] ?? 0) + (from.ttft[i] ?? 0);
  }
}

/**
 * Sums a batch of request records into rollup rows of every grain. Runs where the batch is written (the store's
 * worker), so the request path pays nothing for it. Each record is added once, into the minute of its
 * combination of dimension values (a batch holds few combinations); those sums are then merged into every grain
 * and dimension. Adding each record into 5 grains x 6 dimensions directly cost the worker ~15 µs a record.
 */
export function rollupRecords(records: readonly RequestRecord[]): RollupDelta[] {
  const combinations = new Map<string, { values: string[]; sums: RollupDelta }>();
  for (const record of records) {
    const minute = record.time - (record.time % GRAIN_MS.minute);
    const values = dimensionValues(record);
    const key = `${minute}\u0000${values.join('\u0000')}`;
    let combination = combinations.get(key);
    if (!combination) {
      combination = { values, sums: newDelta('minute', minute, 'all', '') };
      combinations.set(key, combination);
    }
    add(combination.sums, record);
  }
  const rows = new Map<string, RollupDelta>();
  for (const { values, sums } of combinations.values()) {
    for (const grain of ROLLUP_GRAINS) {
      const bucket = sums.bucket - (sums.bucket % GRAIN_MS[grain]);
      STORED_DIMENSIONS.forEach((dimension, d) => {
        const value = values[d] ?? '';
        const key = `${grain}\u0000${bucket}\u0000${dimension}\u0000${value}`;
        let row = rows.get(key);
        if (!row) {
          row = newDelta(grain, bucket, dimension, value);
          rows.set(key, row);
        }
        merge(row, sums);
      });
    }
  }
  return [...rows.values()];
}

/** A chart query over rollups: one grain, a time range cut into steps, optionally one series per dimension value. */
export interface RollupQuery {
  grain: RollupGrain;
  since: number;
  until: number;
  /** A multiple of the grain's size. */
  stepMs: number;
  groupBy?: RollupDimension | undefined;
}

/** One step of one series: sums and merged histograms. */
export interface RollupPoint {
  time: number;
  group: string | null;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencySum: number;
  ttftCount: number;
  ttftSum: number;
  /** Packed (see packed-histogram.ts): a chart's points cross the store worker's JSON channel, where 64 mostly
   * zero counts per histogram were most of the bytes. */
  latency: PackedHistogram;
  ttft: PackedHistogram;
}

/** The newest bucket of one grain per value of one dimension, from `since` on. */
export interface LastBucketQuery {
  grain: RollupGrain;
  dimension: RollupDimension;
  since: number;
}
