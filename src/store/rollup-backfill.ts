import type { Kysely } from 'kysely';
import { emptyHistogram } from '../telemetry/latency-histogram.js';
import { addPacked, packHistogram } from '../telemetry/packed-histogram.js';
import { ROLLUP_SUMS } from '../telemetry/rollup.js';
import type { RollupTableName } from './rollup-columns.js';
import type { Database } from './schema.js';

interface Merged {
  bucket: number;
  dimension: string;
  value: string;
  sums: number[];
  latency: number[];
  ttft: number[];
}

/**
 * Fills a coarser rollup table from a finer one that already holds the history (ten minutes from minutes, six
 * hours and days from hours), so that charts over the weeks before an upgrade do not go blank when they start
 * reading the new grains. Runs once, in the migration that adds them.
 */
export async function backfillRollupGrain(
  db: Kysely<Database>,
  from: RollupTableName,
  to: RollupTableName,
  sizeMs: number,
): Promise<number> {
  const merged = new Map<string, Merged>();
  for (const row of await db.selectFrom(from).selectAll().execute()) {
    const bucket = Number(row.bucket) - (Number(row.bucket) % sizeMs);
    const key = `${bucket}\u0000${row.dimension}\u0000${row.value}`;
    let into = merged.get(key);
    if (!into) {
      into = {
        bucket,
        dimension: row.dimension,
        value: row.value,
        sums: ROLLUP_SUMS.map(() => 0),
        latency: emptyHistogram(),
        ttft: emptyHistogram(),
      };
      merged.set(key, into);
    }
    ROLLUP_SUMS.forEach((column, i) => {
      (into as Merged).sums[i] = ((into as Merged).sums[i] ?? 0) + Number(row[column]);
    });
    addPacked(into.latency, row.latency);
    addPacked(into.ttft, row.ttft);
  }
  const rows = [...merged.values()].map((m) => ({
    bucket: m.bucket,
    dimension: m.dimension,
    value: m.value,
    ...Object.fromEntries(ROLLUP_SUMS.map((column, i) => [column, m.sums[i] ?? 0])),
    latency: packHistogram(m.latency),
    ttft: packHistogram(m.ttft),
  }));
  // Chunks keep each INSERT under SQLite's bound-parameter limit (13 columns a row).
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto(to)
      .values(rows.slice(i, i + 500) as never)
      .execute();
  }
  return rows.length;
}
