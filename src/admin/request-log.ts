import { parseInstant, type WallClockZone } from '../config/instant.js';
import { sortValue } from '../store/request-log-order.js';
import type { Store } from '../store/store.js';
import type { RequestCursor, RequestQuery, RequestRecord, RequestSort } from '../telemetry/request-record.js';

export const MAX_PAGE = 1000;
/**
 * A page states its position in the filtered set ("51–100 of 2,340") counting at most this many records; beyond
 * it the total reads "more than 10,000", so the count costs the same on a log of a hundred million.
 */
export const TOTAL_CAP = 10_000;
const SORTS = new Set<RequestSort>(['time', 'latency', 'cost', 'tokens']);
/** Classes, and the two single statuses an operator hunts during an incident: limits (429), hang-ups (499). */
const STATUS_CLASSES = new Set(['2xx', '4xx', '429', '499', '5xx']);
const ROUTE_MODES = new Set(['direct', 'retry', 'fallback', 'sticky', 'none']);

/**
 * Reads `limit`, `before` and filters from query parameters; invalid values throw with the parameter named.
 * `since` and `until` are read as the usage report reads them (`7d`, a date in `zone`, epoch ms), so a usage
 * total can be checked against the sum of the request log over the very same window.
 */
export function parseRequestQuery(
  params: Record<string, string | undefined>,
  now = Date.now(),
  zone?: WallClockZone,
): RequestQuery {
  const limit = params.limit === undefined ? 50 : Number(params.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new RangeError(`limit must be an integer between 1 and ${MAX_PAGE}`);
  }
  const status = params.status || undefined;
  const statusClass = status !== undefined && STATUS_CLASSES.has(status) ? status : undefined;
  if (status !== undefined && status !== 'ok' && status !== 'error' && !statusClass) {
    throw new RangeError('status must be ok, error, 2xx, 4xx, 429, 499 or 5xx');
  }
  const since = params.since ? parseInstant(params.since, 'since', now, zone) : undefined;
  const until = params.until ? parseInstant(params.until, 'until', now, zone) : undefined;
  const sort = (params.sort || 'time') as RequestSort;
  if (!SORTS.has(sort)) throw new RangeError('sort must be time, latency, cost or tokens');
  const order = params.order || 'desc';
  if (order !== 'asc' && order !== 'desc') throw new RangeError('order must be asc or desc');
  const route = params.route || undefined;
  if (route !== undefined && !ROUTE_MODES.has(route))
    throw new RangeError('route must be direct, retry, fallback, sticky or none');
  return {
    until,
    entryPoint: params.entry || undefined,
    routeMode: route as RequestQuery['routeMode'],
    statusClass,
    limit,
    before: params.before || undefined,
    sort,
    order,
    after: params.cursor ? parseCursor(params.cursor) : undefined,
    client: params.client || undefined,
    model: params.model || undefined,
    provider: params.provider || undefined,
    status: statusClass ? undefined : (status as RequestQuery['status']),
    since,
  };
}

/** A page's `next_cursor`: the last row's sort value and id (`1234.5:req_…`). */
function parseCursor(text: string): RequestCursor {
  const colon = text.indexOf(':');
  const value = Number(text.slice(0, colon));
  const id = text.slice(colon + 1);
  if (colon < 1 || !Number.isFinite(value) || id === '') throw new RangeError('cursor must be a next_cursor of a page');
  return { value, id };
}

/** Where the page after these records starts, in the query's order; undefined after the last page. */
export function nextCursor(records: RequestRecord[], query: RequestQuery): RequestCursor | undefined {
  const last = records[records.length - 1];
  return records.length === query.limit && last
    ? { value: sortValue(last, query.sort ?? 'time'), id: last.id }
    : undefined;
}

/**
 * The API shape of a page of requests: `next_cursor` for the next page in its order (`next_before` too when that
 * is the newest-first time order, as before sorting existed), and the filtered set's size, `total`, exact when
 * `total_exact` (else more than TOTAL_CAP).
 */
export function requestPage(records: RequestRecord[], query: RequestQuery, matching: number) {
  const next = nextCursor(records, query);
  const newestFirst = (query.sort ?? 'time') === 'time' && (query.order ?? 'desc') === 'desc';
  return {
    data: records.map((record) => ({ ...record, time: new Date(record.time).toISOString() })),
    next_before: newestFirst && next ? next.id : null,
    next_cursor: next ? `${next.value}:${next.id}` : null,
    total: Math.min(matching, TOTAL_CAP),
    total_exact: matching <= TOTAL_CAP,
  };
}

/** A page of the request log as the API answers it: the rows and the size of the set they are from. */
export async function readRequestPage(
  store: { listRequests: Store['listRequests']; countRequests: Store['countRequests'] },
  query: RequestQuery,
) {
  const [records, matching] = await Promise.all([store.listRequests(query), store.countRequests(query, TOTAL_CAP)]);
  return requestPage(records, query, matching);
}
