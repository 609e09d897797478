import { BUCKETS } from '../telemetry/latency-histogram.js';

export const ROLLUP_TABLES = ['rollup_minute', 'rollup_hour'] as const;
export type RollupTableName = (typeof ROLLUP_TABLES)[number];

/**
 * Histograms are stored packed (BUCKETS little-endian uint32 counts per column) and merged in code: summing 128
 * integer columns in SQL cost ~1 µs a value in bench:admin, several seconds for a month of rows by client.
 */
export const HISTOGRAM_COLUMNS = ['latency', 'ttft'] as const;

export function packHistogram(counts: readonly number[]): Buffer {
  const buffer = Buffer.alloc(BUCKETS * 4);
  for (let i = 0; i < BUCKETS; i++) buffer.writeUInt32LE(Math.min(counts[i] ?? 0, 0xffffffff), i * 4);
  return buffer;
}

/** Adds a packed histogram into `into`. */
export function addPacked(into: number[], packed: Uint8Array | null | undefined): void {
  if (!packed) return;
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const count = Math.min(BUCKETS, Math.floor(packed.byteLength / 4));
  for (let i = 0; i < count; i++) into[i] = (into[i] ?? 0) + view.getUint32(i * 4, true);
}

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
export const KEY_COLUMNS = ['bucket', 'dimension', 'value'] as const;
