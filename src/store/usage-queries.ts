import { type Kysely, sql } from 'kysely';
import { GRAIN_MS, type RollupGrain, rollupsEnabled, USAGE_SUMS } from '../telemetry/rollup.js';
import {
  addTotals,
  emptyTotals,
  type UsageGroup,
  type UsageQuery,
  type UsageRow,
  type UsageTotals,
} from '../telemetry/usage-summary.js';
import { TABLE } from './rollup-columns.js';
import type { Database } from './schema.js';

/** The request column each grouping reads; tags are grouped by their stored JSON and split afterwards. */
const GROUP_COLUMN = {
  key: 'client',
  model: 'requested_model',
  provider: 'provider',
  tag: 'client_tags',
} as const;

/** The rollup dimension holding the same value as the request column (tags have none: they are summed from the log). */
const GROUP_DIMENSION = { key: 'client', model: 'model', provider: 'provider' } as const;

/** `meta` key: the time (epoch ms) from which rollup rows carry the usage sums (migration 0023). */
export const USAGE_ROLLUPS_SINCE = 'usage_rollups_since';

/** The grains a report sums, coarsest first; what no grain covers whole (the window's ragged ends) is read from the log. */
const USAGE_GRAINS: readonly RollupGrain[] = ['day', 'hour', 'minute'];

/** A part of a report's window and where it is summed from: a grain's rollup rows, or the request log (null). */
export interface UsageSpan {
  grain: RollupGrain | null;
  since: number;
  until: number;
}

const floorTo = (time: number, size: number) => time - (time % size);
const ceilTo = (time: number, size: number) => floorTo(time + size - 1, size);

/**
 * Cuts [since, until) into whole buckets of the coarsest grain that fits, then of finer grains at its ends, and
 * leaves the rest (under a minute at each end) to the request log. `from[grain]` is the time from which that
 * grain's rows count exactly what the request log holds (absent: never).
 */
export function usageSpans(
  since: number,
  until: number,
  from: Partial<Record<RollupGrain, number>>,
  grains: readonly RollupGrain[] = USAGE_GRAINS,
): UsageSpan[] {
  if (since >= until) return [];
  const [grain, ...finer] = grains;
  if (grain === undefined) return [{ grain: null, since, until }];
  const first = from[grain];
  const size = GRAIN_MS[grain];
  const start = first === undefined ? until : ceilTo(Math.max(since, first), size);
  const end = floorTo(until, size);
  if (start >= end) return usageSpans(since, until, from, finer);
  return [
    ...usageSpans(since, start, from, finer),
    { grain, since: start, until: end },
    ...usageSpans(end, until, from, finer),
  ];
}

/**
 * From when each grain's rollup rows equal the request log: not before the usage sums were added (0023), not
 * before the oldest request retention left (rollups outlive it; the report covers what the log still holds), not
 * before the grain's own oldest row (its retention may be shorter than the log's). Rollups turned off
 * (AMG_TELEMETRY_ROLLUPS=off, a benchmarking switch) leave every report to the log.
 */
async function rollupCoverage(db: Kysely<Database>): Promise<Partial<Record<RollupGrain, number>>> {
  if (!rollupsEnabled()) return {};
  const since = await db.selectFrom('meta').select('value').where('key', '=', USAGE_ROLLUPS_SINCE).executeTakeFirst();
  const oldest = await db
    .selectFrom('requests')
    .select((eb) => eb.fn.min<number | string | null>('time').as('time'))
    .executeTakeFirst();
  if (since === undefined || oldest?.time == null) return {};
  const floor = Math.max(Number(since.value), Number(oldest.time));
  const from: Partial<Record<RollupGrain, number>> = {};
  for (const grain of USAGE_GRAINS) {
    const first = await db
      .selectFrom(TABLE[grain])
      .select((eb) => eb.fn.min<number | string | null>('bucket').as('bucket'))
      .where('dimension', '=', 'all')
      .executeTakeFirst();
    if (first?.bucket != null) from[grain] = Math.max(floor, Number(first.bucket));
  }
  return from;
}

/** One span's sums per group from the request log: one grouped scan of its rows (the requests_time index bounds it). */
function logSums(db: Kysely<Database>, groupBy: UsageGroup, span: UsageSpan) {
  const column = GROUP_COLUMN[groupBy];
  return db
    .selectFrom('requests')
    .select((eb) => [
      eb.ref(column).as('grouped'),
      eb.fn.countAll<number | string>().as('requests'),
      eb.fn.sum<number | string | null>('input_tokens').as('input_tokens'),
      eb.fn.sum<number | string | null>('output_tokens').as('output_tokens'),
      eb.fn.sum<number | string | null>('cached_tokens').as('cached_tokens'),
      eb.fn.sum<number | string | null>('cache_write_tokens').as('cache_write_tokens'),
      eb.fn.sum<number | string | null>('reasoning_tokens').as('reasoning_tokens'),
      eb.fn.sum<number | string | null>('cost_usd').as('cost_usd'),
      // Tokens were counted but nothing priced them.
      eb.fn
        .sum<number | string | null>(
          sql<number>`case when ${sql.ref('cost_usd')} is null and ${sql.ref('input_tokens')} is not null then 1 else 0 end`,
        )
        .as('unpriced'),
    ])
    .where('time', '>=', span.since)
    .where('time', '<', span.until)
    .groupBy(column)
    .execute();
}

/** One span's sums per group from one grain's rollup rows: a few rows per bucket, whatever the traffic. */
async function rollupSums(db: Kysely<Database>, groupBy: Exclude<UsageGroup, 'tag'>, span: UsageSpan) {
  const rows = await db
    .selectFrom(TABLE[span.grain as RollupGrain])
    .select((eb) => [
      eb.ref('value').as('grouped'),
      ...(['requests', 'input_tokens', 'output_tokens', 'cost_usd', ...USAGE_SUMS] as const).map((column) =>
        eb.fn.sum<number | string | null>(column).as(column),
      ),
    ])
    .where('dimension', '=', GROUP_DIMENSION[groupBy])
    .where('bucket', '>=', span.since)
    .where('bucket', '<', span.until)
    .groupBy('value')
    .execute();
  // Rollups store an absent value as '' (so it groups); the report names it null, as the log's NULL.
  return rows.map((row) => ({ ...row, grouped: row.grouped === '' ? null : row.grouped }));
}

/**
 * Usage per group over a time window, summed by the database, never loaded row by row. Whole days, hours and
 * minutes of the window are summed from rollup rows (written with the request rows, in the same transaction), the
 * ragged ends and anything older than the rollups' usage sums from the request log; a report of 7 days of 100k
 * requests reads a few thousand rollup rows and the requests of under two minutes. Group by tag sums the log per
 * distinct tag set and then splits each set into its `key=value` pairs: a request of a key tagged
 * `team=search, env=prod` counts once under each.
 */
export async function summarizeUsage(db: Kysely<Database>, query: UsageQuery): Promise<UsageRow[]> {
  const { groupBy } = query;
  const whole = { grain: null, since: query.since, until: query.until };
  const spans = groupBy === 'tag' ? [whole] : usageSpans(query.since, query.until, await rollupCoverage(db));
  const groups = new Map<string | null, UsageTotals>();
  for (const span of spans) {
    const rows =
      span.grain === null || groupBy === 'tag' ? await logSums(db, groupBy, span) : await rollupSums(db, groupBy, span);
    for (const row of rows) {
      const group = row.grouped as string | null;
      const sum = groups.get(group) ?? emptyTotals();
      groups.set(group, sum);
      addTotals(sum, totalsOf(row));
    }
  }
  const totals = [...groups].map(([group, sums]) => ({ group, totals: sums }));
  const result = groupBy === 'tag' ? splitTags(totals) : totals.map(({ group, totals: t }) => ({ group, ...t }));
  for (const row of result) row.costUsd = roundUsd(row.costUsd);
  return result.sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests);
}

/**
 * A sum of binary floating-point costs carries noise in its last digits (0.008780999999999999 for 0.008781);
 * no price is finer than a billionth of a dollar a token, so sums are rounded to 1e-10 USD.
 */
function roundUsd(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}

function totalsOf(row: Record<string, unknown>): UsageTotals {
  const n = (value: unknown) => Number(value ?? 0);
  return {
    requests: n(row.requests),
    inputTokens: n(row.input_tokens),
    outputTokens: n(row.output_tokens),
    cachedTokens: n(row.cached_tokens),
    cacheWriteTokens: n(row.cache_write_tokens),
    reasoningTokens: n(row.reasoning_tokens),
    costUsd: n(row.cost_usd),
    unpricedRequests: n(row.unpriced),
  };
}

function splitTags(sets: ReadonlyArray<{ group: string | null; totals: UsageTotals }>): UsageRow[] {
  const byTag = new Map<string | null, UsageTotals>();
  const add = (tag: string | null, totals: UsageTotals) => {
    const sum = byTag.get(tag) ?? emptyTotals();
    byTag.set(tag, sum);
    addTotals(sum, totals);
  };
  for (const { group, totals } of sets) {
    const tags = group ? Object.entries(JSON.parse(group) as Record<string, string>) : [];
    if (tags.length === 0) add(null, totals);
    for (const [key, value] of tags) add(`${key}=${value}`, totals);
  }
  return [...byTag].map(([group, totals]) => ({ group, ...totals }));
}
