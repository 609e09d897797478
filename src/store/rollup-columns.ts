import { ROLLUP_SUMS, type RollupGrain, USAGE_SUMS } from '../telemetry/rollup.js';

/** One table per grain (same columns), so a chart's query reads one narrow, time-ordered key range. */
export const TABLE: Record<RollupGrain, RollupTableName> = {
  minute: 'rollup_minute',
  ten_minutes: 'rollup_ten_minutes',
  hour: 'rollup_hour',
  six_hours: 'rollup_six_hours',
  day: 'rollup_day',
};
export const ROLLUP_TABLES = [
  'rollup_minute',
  'rollup_ten_minutes',
  'rollup_hour',
  'rollup_six_hours',
  'rollup_day',
] as const;
export type RollupTableName = (typeof ROLLUP_TABLES)[number];

/**
 * Histograms are stored packed (telemetry/packed-histogram.ts) and merged in code: summing 128 integer columns in SQL cost ~1 µs a value in
 * bench:admin, several seconds for a month of rows by client.
 */
export const HISTOGRAM_COLUMNS = ['latency', 'ttft'] as const;

/** The summed columns of a rollup row, in the order the writers bind them: the fields rollups sum. */
export const SUM_COLUMNS = [...ROLLUP_SUMS, ...USAGE_SUMS] as const;
export const KEY_COLUMNS = ['bucket', 'dimension', 'value'] as const;
