import { setImmediate as turn } from 'node:timers/promises';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { RequestQuery } from '../telemetry/request-record.js';
import { SORT_KEYS } from './request-log-order.js';
import { filterRequests } from './request-log-queries.js';
import type { Database, RequestsTable } from './schema.js';

/**
 * How many rows of the log (newest first, on the primary key) one step of a sorted page reads. No index serves
 * the latency, cost and tokens orders (migrations.ts, 0021), so a page sorts every filtered row; in one statement
 * that held the store's thread, and every telemetry write behind it, for as long as the whole log took to sort
 * (seconds at 2 million rows). Read a slice at a time, the thread turns its event loop between slices and answers
 * the calls that came meanwhile: a write waits for one slice at most. Tests shorten it.
 */
export const requestSortSlice = { rows: 20_000 };

interface Candidate {
  id: string;
  v: number;
}

/**
 * The ids of a page in a latency, cost or tokens order: each slice's best `limit` rows (SQLite keeps only those
 * while it sorts), merged here. Records written during the walk are newer than its first slice and are not in it.
 */
export async function sortedRequestIds(db: Kysely<Database>, query: RequestQuery): Promise<string[]> {
  const sort = query.sort as keyof typeof SORT_KEYS;
  const sign = query.order === 'asc' ? 1 : -1;
  const byOrder = (a: Candidate, b: Candidate) => sign * (a.v - b.v || (a.id < b.id ? -1 : 1));
  let best: Candidate[] = [];
  let upper = query.before;
  for (;;) {
    const edge = await sliceEdge(db, upper);
    best = best.concat(await sliceBest(db, query, SORT_KEYS[sort], upper, edge?.id));
    best.sort(byOrder);
    best.length = Math.min(best.length, query.limit);
    // The log ends here, or the rest is older than the window asked for.
    if (!edge || (query.since !== undefined && edge.time < query.since)) break;
    upper = edge.id;
    await turn();
  }
  return best.map((c) => c.id);
}

/** The lowest id of the slice below `upper` (its time too), or undefined when the log has fewer rows left. */
function sliceEdge(db: Kysely<Database>, upper: string | undefined) {
  let select = db.selectFrom('requests').select(['id', 'time']);
  if (upper !== undefined) select = select.where('id', '<', upper);
  return select
    .orderBy('id', 'desc')
    .offset(requestSortSlice.rows - 1)
    .limit(1)
    .executeTakeFirst() as Promise<Pick<RequestsTable, 'id' | 'time'> | undefined>;
}

/** The slice's best `limit` rows past the query's cursor: their ids and sort values. */
async function sliceBest(
  db: Kysely<Database>,
  query: RequestQuery,
  keySql: string,
  upper: string | undefined,
  lower: string | undefined,
): Promise<Candidate[]> {
  const key: RawBuilder<number> = sql.raw(keySql);
  const direction = query.order ?? 'desc';
  // The window's bounds kept off the time index (`+time`): on it, every slice would walk the whole window.
  const { since, until, ...rest } = query;
  let select = filterRequests(db.selectFrom('requests').select(['id', key.as('v')]), rest);
  if (since !== undefined) select = select.where(sql<boolean>`+time >= ${since}`);
  if (until !== undefined) select = select.where(sql<boolean>`+time < ${until}`);
  if (upper !== undefined) select = select.where('id', '<', upper);
  if (lower !== undefined) select = select.where('id', '>=', lower);
  if (query.after) {
    const past = sql.raw(direction === 'desc' ? '<' : '>');
    select = select.where(sql<boolean>`(${key}, id) ${past} (${query.after.value}, ${query.after.id})`);
  }
  const rows = await select.orderBy(key, direction).orderBy('id', direction).limit(query.limit).execute();
  return rows.map((row) => ({ id: row.id, v: Number(row.v) }));
}
