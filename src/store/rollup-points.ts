import { emptyHistogram } from '../telemetry/latency-histogram.js';
import { addPacked, toPacked } from '../telemetry/packed-histogram.js';
import { GRAIN_MS, ROLLUP_SUMS, type RollupPoint, type RollupQuery } from '../telemetry/rollup.js';
import { HISTOGRAM_COLUMNS, TABLE } from './rollup-columns.js';

/** The columns a chart reads, in the order of a positional row (not the usage report's sums). */
export const READ_COLUMNS = ['bucket', 'value', ...ROLLUP_SUMS, ...HISTOGRAM_COLUMNS] as const;

/** A rollup row as an array in READ_COLUMNS order (better-sqlite3's raw mode, the cheapest way to read rows). */
export type PositionalRow = readonly unknown[];

/** The one chart query, with `?` placeholders for dimension, since and until. */
export function selectForChart(query: Pick<RollupQuery, 'grain'>): string {
  return `SELECT ${READ_COLUMNS.join(', ')} FROM ${TABLE[query.grain]} WHERE dimension = ? AND bucket >= ? AND bucket < ?`;
}

/** A point while rows are added to it: histograms as counts, packed once it is complete. */
type OpenPoint = Omit<RollupPoint, 'latency' | 'ttft'> & { latency: number[]; ttft: number[] };

function newPoint(time: number, group: string | null): OpenPoint {
  return {
    time,
    group,
    requests: 0,
    errors: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    latencySum: 0,
    ttftCount: 0,
    ttftSum: 0,
    latency: emptyHistogram(),
    ttft: emptyHistogram(),
  };
}

/**
 * Sums one dimension's rollup rows into steps (and series per value), merging the packed histograms: the work of
 * every chart, shared by the stores whatever way they read rows.
 */
export function sumIntoPoints(rows: Iterable<PositionalRow>, query: RollupQuery): RollupPoint[] {
  const size = GRAIN_MS[query.grain];
  const step = Math.max(size, Math.floor(query.stepMs / size) * size);
  const points = new Map<string, OpenPoint>();
  for (const row of rows) {
    const bucket = Number(row[0]);
    const time = bucket - (bucket % step);
    const group = query.groupBy ? String(row[1]) : null;
    const key = `${time}\u0000${group ?? ''}`;
    let point = points.get(key);
    if (!point) {
      point = newPoint(time, group);
      points.set(key, point);
    }
    point.requests += Number(row[2]);
    point.errors += Number(row[3]);
    point.inputTokens += Number(row[4]);
    point.outputTokens += Number(row[5]);
    point.costUsd += Number(row[6]);
    point.latencySum += Number(row[7]);
    point.ttftCount += Number(row[8]);
    point.ttftSum += Number(row[9]);
    addPacked(point.latency, row[10] as Uint8Array | null);
    addPacked(point.ttft, row[11] as Uint8Array | null);
  }
  return [...points.values()]
    .sort((a, b) => a.time - b.time || String(a.group).localeCompare(String(b.group)))
    .map((point) => ({ ...point, latency: toPacked(point.latency), ttft: toPacked(point.ttft) }));
}
