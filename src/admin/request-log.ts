import { parseInstant, type WallClockZone } from '../config/instant.js';
import type { RequestQuery, RequestRecord } from '../telemetry/request-record.js';

export const MAX_PAGE = 1000;
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
    client: params.client || undefined,
    model: params.model || undefined,
    provider: params.provider || undefined,
    status: statusClass ? undefined : (status as RequestQuery['status']),
    since,
  };
}

/** The API shape of a page of requests, with the cursor for the next (older) page. */
export function requestPage(records: RequestRecord[], limit: number) {
  const last = records[records.length - 1];
  return {
    data: records.map((record) => ({ ...record, time: new Date(record.time).toISOString() })),
    next_before: records.length === limit && last ? last.id : null,
  };
}
