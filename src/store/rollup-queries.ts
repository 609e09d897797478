import type { Kysely } from 'kysely';
import { addPacked, packHistogram } from '../telemetry/packed-histogram.js';
import type { LastBucketQuery, RollupDelta, RollupGrain, RollupPoint, RollupQuery } from '../telemetry/rollup.js';
import { HISTOGRAM_COLUMNS, KEY_COLUMNS, type RollupTableName, SUM_COLUMNS, TABLE } from './rollup-columns.js';
import { READ_COLUMNS, sumIntoPoints } from './rollup-points.js';
import type { Database, RollupTable } from './schema.js';

export { TABLE };

/** Every column of a rollup row in insert order: the key, the sums, then both histograms. */
export const INSERT_COLUMNS = [...KEY_COLUMNS, ...SUM_COLUMNS, ...HISTOGRAM_COLUMNS];

/** A stored rollup row as read back: the sums and the packed histograms. */
export type StoredRollup = Pick<RollupTable, (typeof SUM_COLUMNS)[number] | (typeof HISTOGRAM_COLUMNS)[number]>;

/** The delta added to what is stored under its key (nothing stored: the delta alone). */
export function mergedValues(delta: RollupDelta, stored: StoredRollup | undefined): Array<number | string | Buffer> {
  const latency = [...delta.latency];
  const ttft = [...delta.ttft];
  addPacked(latency, stored?.latency);
  addPacked(ttft, stored?.ttft);
  const sum = (column: (typeof SUM_COLUMNS)[number]) => delta[column] + Number(stored?.[column] ?? 0);
  return [
    delta.bucket,
    delta.dimension,
    delta.value,
    ...SUM_COLUMNS.map(sum),
    packHistogram(latency),
    packHistogram(ttft),
  ];
}

/**
 * SQLite's one-statement merge of a delta into its row: sums added in SQL, histograms through `merge`, a function
 * the store registers (packed histograms cannot be added in SQL). Half the cost of reading and rewriting each row.
 */
export const UPSERT_ROW = (table: RollupTableName, merge: string) =>
  `INSERT INTO ${table} (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map(() => '?').join(', ')})
   ON CONFLICT (${KEY_COLUMNS.join(', ')}) DO UPDATE SET ${[
     ...SUM_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`),
     ...HISTOGRAM_COLUMNS.map((c) => `${c} = ${merge}(${c}, excluded.${c})`),
   ].join(', ')}`;

/**
 * Adds rollup rows, reading and rewriting each one inside one transaction (the caller's): histograms are packed,
 * so the merge happens here rather than in SQL.
 */
export async function insertRollups(db: Kysely<Database>, deltas: readonly RollupDelta[]): Promise<void> {
  for (const delta of deltas) {
    const table = TABLE[delta.grain];
    const stored = await db
      .selectFrom(table)
      .select([...SUM_COLUMNS, ...HISTOGRAM_COLUMNS])
      .where('bucket', '=', delta.bucket)
      .where('dimension', '=', delta.dimension)
      .where('value', '=', delta.value)
      .executeTakeFirst();
    const values = mergedValues(delta, stored as StoredRollup | undefined);
    const row = Object.fromEntries(INSERT_COLUMNS.map((column, i) => [column, values[i]]));
    const update = Object.fromEntries([...SUM_COLUMNS, ...HISTOGRAM_COLUMNS].map((column) => [column, row[column]]));
    await db
      .insertInto(table)
      .values(row as never)
      .onConflict((oc) => oc.columns([...KEY_COLUMNS]).doUpdateSet(update as never))
      .execute();
  }
}

/** A chart's rows, summed into points (see rollup-points.ts). */
export async function queryRollups(db: Kysely<Database>, query: RollupQuery): Promise<RollupPoint[]> {
  const result = await db
    .selectFrom(TABLE[query.grain])
    .select([...READ_COLUMNS])
    .where('dimension', '=', query.groupBy ?? 'all')
    .where('bucket', '>=', query.since)
    .where('bucket', '<', query.until)
    .execute();
  return sumIntoPoints(
    result.map((row) => READ_COLUMNS.map((column) => row[column])),
    query,
  );
}

/** Reads only the key (dimension, bucket, value), which the primary key's index covers: a row exists only once
 * a request was counted in it. */
export async function lastRollupBuckets(
  db: Kysely<Database>,
  query: LastBucketQuery,
): Promise<Array<{ value: string; bucket: number }>> {
  const rows = await db
    .selectFrom(TABLE[query.grain])
    .select(['value', (eb) => eb.fn.max('bucket').as('bucket')])
    .where('dimension', '=', query.dimension)
    .where('bucket', '>=', query.since)
    .groupBy('value')
    .execute();
  return rows.map((row) => ({ value: row.value, bucket: Number(row.bucket) }));
}

export async function deleteRollupsBefore(db: Kysely<Database>, grain: RollupGrain, before: number): Promise<number> {
  const result = await db.deleteFrom(TABLE[grain]).where('bucket', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
