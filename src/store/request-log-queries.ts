import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { RequestQuery } from '../telemetry/request-record.js';
import type { Database } from './schema.js';

type RequestSelect<O> = SelectQueryBuilder<Database, 'requests', O>;

/** The query's filters (not its cursor): what a page lists and what its total counts. */
export function filterRequests<O>(select: RequestSelect<O>, query: RequestQuery): RequestSelect<O> {
  let s = select;
  if (query.client) s = s.where('client', '=', query.client);
  if (query.model) s = s.where('requested_model', '=', query.model);
  if (query.provider) s = s.where('provider', '=', query.provider);
  if (query.since !== undefined) s = s.where('time', '>=', query.since);
  if (query.status === 'ok') s = s.where('status', '<', 400);
  if (query.status === 'error') s = s.where('status', '>=', 400);
  if (query.until !== undefined) s = s.where('time', '<', query.until);
  if (query.entryPoint) s = s.where('entry_point', '=', query.entryPoint);
  if (query.routeMode) s = s.where('route_mode', '=', query.routeMode);
  if (query.statusClass === '429' || query.statusClass === '499') {
    s = s.where('status', '=', Number(query.statusClass));
  } else if (query.statusClass && /^[1-5]xx$/.test(query.statusClass)) {
    const floor = Number(query.statusClass[0]) * 100;
    s = s.where('status', '>=', floor).where('status', '<', floor + 100);
  }
  return s;
}

/** A page of the log in time order (the id's), from its cursor on; the other orders: request-log-sorted.ts. */
export function selectRequestPage(db: Kysely<Database>, query: RequestQuery) {
  const direction = query.order ?? 'desc';
  let select = filterRequests(db.selectFrom('requests').selectAll(), query);
  if (query.before) select = select.where('id', '<', query.before);
  if (query.after) select = select.where('id', direction === 'desc' ? '<' : '>', query.after.id);
  return select.orderBy('id', direction).limit(query.limit);
}

/**
 * How many records the query's filters match, counted up to `cap` + 1 and no further: the total a page states
 * costs at most that many index entries read, however long the log is.
 */
export async function countRequests(db: Kysely<Database>, query: RequestQuery, cap: number): Promise<number> {
  const matching = filterRequests(db.selectFrom('requests').select(sql`1`.as('one')), query).limit(cap + 1);
  const row = await db
    .selectFrom(matching.as('matching'))
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
