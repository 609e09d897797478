import { type Kysely, sql } from 'kysely';
import {
  addTotals,
  emptyTotals,
  type UsageQuery,
  type UsageRow,
  type UsageTotals,
} from '../telemetry/usage-summary.js';
import type { Database } from './schema.js';

/** The request column each grouping reads; tags are grouped by their stored JSON and split afterwards. */
const GROUP_COLUMN = {
  key: 'client',
  model: 'requested_model',
  provider: 'provider',
  tag: 'client_tags',
} as const;

/**
 * Usage per group over a time window, summed by the database in one grouped scan of the window (the
 * requests_time index bounds it), so a month of traffic is never loaded row by row. Group by tag sums per
 * distinct tag set and then splits each set into its `key=value` pairs: a request of a key tagged
 * `team=search, env=prod` counts once under each.
 */
export async function summarizeUsage(db: Kysely<Database>, query: UsageQuery): Promise<UsageRow[]> {
  const column = GROUP_COLUMN[query.groupBy];
  const rows = await db
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
    .where('time', '>=', query.since)
    .where('time', '<', query.until)
    .groupBy(column)
    .execute();
  const totals = rows.map((row) => ({ group: row.grouped as string | null, totals: totalsOf(row) }));
  const result = query.groupBy === 'tag' ? splitTags(totals) : totals.map(({ group, totals: t }) => ({ group, ...t }));
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
