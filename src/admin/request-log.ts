import type { RequestQuery, RequestRecord } from '../telemetry/request-record.js';

export const MAX_PAGE = 1000;

/** Reads `limit`, `before` and filters from query parameters; invalid values throw with the parameter named. */
export function parseRequestQuery(params: Record<string, string | undefined>): RequestQuery {
  const limit = params.limit === undefined ? 50 : Number(params.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new RangeError(`limit must be an integer between 1 and ${MAX_PAGE}`);
  }
  const status = params.status;
  if (status !== undefined && status !== 'ok' && status !== 'error') throw new RangeError('status must be ok or error');
  const since = params.since === undefined ? undefined : Date.parse(params.since);
  if (since !== undefined && Number.isNaN(since)) throw new RangeError('since must be an ISO date-time');
  return {
    limit,
    before: params.before || undefined,
    client: params.client || undefined,
    model: params.model || undefined,
    provider: params.provider || undefined,
    status,
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
