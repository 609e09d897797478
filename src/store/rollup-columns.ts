import { BUCKETS } from '../telemetry/latency-histogram.js';

export const ROLLUP_TABLES = ['rollup_minute', 'rollup_hour'] as const;
export type RollupTableName = (typeof ROLLUP_TABLES)[number];

export const LATENCY_COLUMNS = Array.from({ length: BUCKETS }, (_, i) => `l${i}` as const);
export const TTFT_COLUMNS = Array.from({ length: BUCKETS }, (_, i) => `t${i}` as const);
export const HISTOGRAM_COLUMNS = [...LATENCY_COLUMNS, ...TTFT_COLUMNS];

/** The summed columns of a rollup row, in the order the writers bind them. */
export const SUM_COLUMNS = [
  'requests',
  'errors',
  'input_tokens',
  'output_tokens',
  'cost_usd',
  'latency_sum',
  'ttft_count',
  'ttft_sum',
] as const;
export const KEY_COLUMNS = ['bucket', 'model', 'provider', 'client', 'entry_point', 'status_class'] as const;
