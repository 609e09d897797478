import { type Kysely, sql } from 'kysely';
import { emptyHistogram } from '../telemetry/latency-histogram.js';
import {
  GRAIN_MS,
  type RollupDelta,
  type RollupGrain,
  type RollupPoint,
  type RollupQuery,
} from '../telemetry/rollup.js';
import {
  addPacked,
  HISTOGRAM_COLUMNS,
  KEY_COLUMNS,
  packHistogram,
  ROLLUP_TABLES,
  type RollupTableName,
  SUM_COLUMNS,
} from './rollup-columns.js';
import type { Database } from './schema.js';

export const TABLE: Record<RollupGrain, RollupTableName> = { minute: ROLLUP_TABLES[0], hour: ROLLUP_TABLES[1] };

/** Every column of a rollup row in insert order: the key, the sums, then both histograms. */
export const INSERT_COLUMNS = [...KEY_COLUMNS, ...SUM_COLUMNS, ...HISTOGRAM_COLUMNS];

/** A stored rollup row as read back: the sums and the packed histograms. */
export interface StoredRollup {
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_sum: number;
  ttft_count: number;
  ttft_sum: number;
  latency: Uint8Array;
  ttft: Uint8Array;
}

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

export const SELECT_STORED = (table: RollupTableName) =>
  `SELECT ${[...SUM_COLUMNS, ...HISTOGRAM_COLUMNS].join(', ')} FROM ${table} WHERE bucket = ? AND dimension = ? AND value = ?`;

export const REPLACE_ROW = (table: RollupTableName) =>
  `INSERT OR REPLACE INTO ${table} (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map(() => '?').join(', ')})`;

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

interface Row extends StoredRollup {
  bucket: number | string;
  value: string;
}

/**
 * Sums one dimension's rollup rows into steps (and series per value), merging the packed histograms in code:
 * a month by client is a few thousand rows, never the request log.
 */
export async function queryRollups(db: Kysely<Database>, query: RollupQuery): Promise<RollupPoint[]> {
  const size = GRAIN_MS[query.grain];
  const step = Math.max(size, Math.floor(query.stepMs / size) * size);
  const result = await sql<Row>`
    SELECT bucket, value, ${sql.raw([...SUM_COLUMNS, ...HISTOGRAM_COLUMNS].join(', '))}
    FROM ${sql.table(TABLE[query.grain])}
    WHERE dimension = ${query.groupBy ?? 'all'} AND bucket >= ${query.since} AND bucket < ${query.until}`.execute(db);
  const points = new Map<string, RollupPoint>();
  for (const row of result.rows) {
    const bucket = Number(row.bucket);
    const time = bucket - (bucket % step);
    const group = query.groupBy ? row.value : null;
    const key = `${time}\u0000${group ?? ''}`;
    let point = points.get(key);
    if (!point) {
      point = {
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
      points.set(key, point);
    }
    point.requests += Number(row.requests);
    point.errors += Number(row.errors);
    point.inputTokens += Number(row.input_tokens);
    point.outputTokens += Number(row.output_tokens);
    point.costUsd += Number(row.cost_usd);
    point.latencySum += Number(row.latency_sum);
    point.ttftCount += Number(row.ttft_count);
    point.ttftSum += Number(row.ttft_sum);
    addPacked(point.latency, row.latency);
    addPacked(point.ttft, row.ttft);
  }
  return [...points.values()].sort((a, b) => a.time - b.time || String(a.group).localeCompare(String(b.group)));
}

export async function deleteRollupsBefore(db: Kysely<Database>, grain: RollupGrain, before: number): Promise<number> {
  const result = await db.deleteFrom(TABLE[grain]).where('bucket', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
