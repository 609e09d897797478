import { type Kysely, sql } from 'kysely';
import { BUCKETS } from '../telemetry/latency-histogram.js';
import {
  GRAIN_MS,
  type RollupDelta,
  type RollupGrain,
  type RollupPoint,
  type RollupQuery,
} from '../telemetry/rollup.js';
import {
  HISTOGRAM_COLUMNS,
  KEY_COLUMNS,
  LATENCY_COLUMNS,
  ROLLUP_TABLES,
  type RollupTableName,
  SUM_COLUMNS,
  TTFT_COLUMNS,
} from './rollup-columns.js';
import type { Database } from './schema.js';

export const TABLE: Record<RollupGrain, RollupTableName> = { minute: ROLLUP_TABLES[0], hour: ROLLUP_TABLES[1] };

/** Every column of a rollup row in insert order: the key, the sums, then both histograms. */
export const INSERT_COLUMNS = [...KEY_COLUMNS, ...SUM_COLUMNS, ...HISTOGRAM_COLUMNS];

/** Binds a delta's values in INSERT_COLUMNS order. */
export function rollupValues(delta: RollupDelta): Array<number | string> {
  return [
    delta.bucket,
    delta.model,
    delta.provider,
    delta.client,
    delta.entry_point,
    delta.status_class,
    delta.requests,
    delta.errors,
    delta.input_tokens,
    delta.output_tokens,
    delta.cost_usd,
    delta.latency_sum,
    delta.ttft_count,
    delta.ttft_sum,
    ...delta.latency,
    ...delta.ttft,
  ];
}

/**
 * The upsert statement text (SQLite and PostgreSQL share it): a row for the same bucket and dimensions adds
 * its sums and bucket counts to the stored ones, so batches, processes and instances merge in the database.
 */
export function upsertSql(table: RollupTableName, placeholder: (index: number) => string): string {
  const added = [...SUM_COLUMNS, ...HISTOGRAM_COLUMNS].map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');
  return `INSERT INTO ${table} (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map((_, i) => placeholder(i)).join(', ')}) ON CONFLICT (${KEY_COLUMNS.join(', ')}) DO UPDATE SET ${added}`;
}

export async function insertRollups(db: Kysely<Database>, deltas: readonly RollupDelta[]): Promise<void> {
  const added = [...SUM_COLUMNS, ...HISTOGRAM_COLUMNS];
  for (const delta of deltas) {
    const table = TABLE[delta.grain];
    const values = rollupValues(delta);
    const row = Object.fromEntries(INSERT_COLUMNS.map((column, i) => [column, values[i]]));
    const update = Object.fromEntries(
      added.map((column) => [column, sql`${sql.ref(`${table}.${column}`)} + ${sql.ref(`excluded.${column}`)}`]),
    );
    await db
      .insertInto(table)
      .values(row as never)
      .onConflict((oc) => oc.columns([...KEY_COLUMNS]).doUpdateSet(update as never))
      .execute();
  }
}

const SUMS = SUM_COLUMNS.map((c) => `SUM(${c}) AS ${c}`).join(', ');
const HISTOGRAMS = HISTOGRAM_COLUMNS.map((c) => `SUM(${c}) AS ${c}`).join(', ');

/**
 * Sums rollup rows into steps (and series): the database merges the histograms bucket by bucket, so a chart
 * over 30 days reads a few hundred rows, never the request log.
 */
export async function queryRollups(db: Kysely<Database>, query: RollupQuery): Promise<RollupPoint[]> {
  const table = TABLE[query.grain];
  const step = Math.max(
    GRAIN_MS[query.grain],
    Math.floor(query.stepMs / GRAIN_MS[query.grain]) * GRAIN_MS[query.grain],
  );
  const group = query.groupBy ? sql.ref(query.groupBy) : sql`NULL`;
  const filters = Object.entries(query.where ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([column, value]) => sql`AND ${sql.ref(column)} = ${value}`);
  const result = await sql<Record<string, number | string | null>>`
    SELECT (bucket / ${sql.lit(step)}) * ${sql.lit(step)} AS step_time, ${group} AS series, ${sql.raw(SUMS)}, ${sql.raw(HISTOGRAMS)}
    FROM ${sql.table(table)}
    WHERE bucket >= ${query.since} AND bucket < ${query.until} ${sql.join(filters, sql` `)}
    GROUP BY 1, 2
    ORDER BY 1`.execute(db);
  return result.rows.map((row) => {
    const latency = new Array<number>(BUCKETS);
    const ttft = new Array<number>(BUCKETS);
    for (let i = 0; i < BUCKETS; i++) {
      latency[i] = Number(row[LATENCY_COLUMNS[i] as string] ?? 0);
      ttft[i] = Number(row[TTFT_COLUMNS[i] as string] ?? 0);
    }
    return {
      time: Number(row.step_time),
      group: row.series === null ? null : String(row.series),
      requests: Number(row.requests ?? 0),
      errors: Number(row.errors ?? 0),
      inputTokens: Number(row.input_tokens ?? 0),
      outputTokens: Number(row.output_tokens ?? 0),
      costUsd: Number(row.cost_usd ?? 0),
      latencySum: Number(row.latency_sum ?? 0),
      ttftCount: Number(row.ttft_count ?? 0),
      ttftSum: Number(row.ttft_sum ?? 0),
      latency,
      ttft,
    };
  });
}

export async function deleteRollupsBefore(db: Kysely<Database>, grain: RollupGrain, before: number): Promise<number> {
  const result = await db.deleteFrom(TABLE[grain]).where('bucket', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
