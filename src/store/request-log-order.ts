import type { RequestRecord, RequestSort } from '../telemetry/request-record.js';

/**
 * The key each order of the request log sorts by: a missing cost sorts as -1 (below every priced one), a missing
 * token count as 0. Time is the id's order (ids grow with time), walked on the primary key; the other orders sort
 * the filtered rows a slice at a time (request-log-sorted.ts), as no index serves them: each would cost every
 * telemetry insert writer CPU (migrations.ts, 0021), so narrow a large log with since/until first. Kept apart from
 * the queries so that the admin API, which runs in the serving gateway's main thread, reads a page's cursor
 * without loading Kysely there.
 */
export const SORT_KEYS: Record<Exclude<RequestSort, 'time'>, string> = {
  latency: 'latency_ms',
  cost: 'coalesce(cost_usd, -1)',
  tokens: 'coalesce(input_tokens, 0) + coalesce(output_tokens, 0)',
};

/** The value a record has in an order's key, as the database computes it: the cursor of the next page. */
export function sortValue(record: RequestRecord, sort: RequestSort): number {
  if (sort === 'latency') return record.latencyMs;
  if (sort === 'cost') return record.costUsd ?? -1;
  if (sort === 'tokens') return (record.inputTokens ?? 0) + (record.outputTokens ?? 0);
  return 0;
}
