import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopTurnsDuring } from '../../test/support/loop-turns.js';
import { requestRecord } from '../../test/support/request-records.js';
import { openTestStore } from '../../test/support/sqlite-store.js';
import type { RequestQuery, RequestRecord } from '../telemetry/request-record.js';
import { sortValue } from './request-log-order.js';
import { requestSortSlice } from './request-log-sorted.js';

const record = (n: number, latencyMs: number, costUsd: number | null, tokens: number | null): RequestRecord =>
  requestRecord({
    id: `req_${String(n).padStart(6, '0')}`,
    time: 1_000 + n,
    client: n % 2 ? 'odd' : 'even',
    latencyMs,
    inputTokens: tokens,
    outputTokens: tokens === null ? null : 1,
    costUsd,
  });

// Latencies with ties (so the id must break them), costs and tokens with gaps (a refused request has neither).
const RECORDS = Array.from({ length: 23 }, (_, i) =>
  record(i + 1, (i * 7) % 5, i % 4 === 0 ? null : (i * 13) % 11, i % 6 === 0 ? null : (i * 5) % 9),
);

/** Every page of a query, each read from the previous page's last row, as the admin API's cursor does. */
async function walk(store: Awaited<ReturnType<typeof openTestStore>>, query: RequestQuery): Promise<string[]> {
  const ids: string[] = [];
  let after: RequestQuery['after'];
  for (;;) {
    const page = await store.listRequests({ ...query, after });
    ids.push(...page.map((r) => r.id));
    const last = page[page.length - 1];
    if (page.length < query.limit || !last) return ids;
    after = { value: sortValue(last, query.sort ?? 'time'), id: last.id };
  }
}

describe('the request log in an order, a page at a time', () => {
  // A sorted page reads the log a slice at a time (5 rows here, 20,000 in a gateway): pages cross slices.
  const slice = requestSortSlice.rows;
  beforeAll(() => {
    requestSortSlice.rows = 5;
  });
  afterAll(() => {
    requestSortSlice.rows = slice;
  });

  for (const sort of ['time', 'latency', 'cost', 'tokens'] as const) {
    for (const order of ['desc', 'asc'] as const) {
      it(`by ${sort} ${order}: every record once, in order, ties by id`, async () => {
        const store = await openTestStore();
        await store.insertRequests(RECORDS);
        const sign = order === 'desc' ? -1 : 1;
        const expected = [...RECORDS]
          .sort((a, b) => sign * (sortValue(a, sort) - sortValue(b, sort) || (a.id < b.id ? -1 : 1)))
          .map((r) => r.id);
        expect(await walk(store, { limit: 4, sort, order })).toEqual(expected);
        // Filtered, in a window, and before an id: the same order over what is left.
        const since = 1_005;
        const left = RECORDS.filter((r) => r.client === 'odd' && r.time >= since && r.id < 'req_000020');
        const filtered = [...left]
          .sort((a, b) => sign * (sortValue(a, sort) - sortValue(b, sort) || (a.id < b.id ? -1 : 1)))
          .map((r) => r.id);
        expect(await walk(store, { limit: 3, sort, order, client: 'odd', since, before: 'req_000020' })).toEqual(
          filtered,
        );
        await store.close();
      });
    }
  }

  it('sorts a slice at a time, turning the event loop between slices (the store thread answers writes there)', async () => {
    const store = await openTestStore();
    await store.insertRequests(RECORDS);
    let page: RequestRecord[] = [];
    const turns = await loopTurnsDuring(async () => {
      page = await store.listRequests({ limit: 4, sort: 'latency', order: 'desc' });
    });
    expect(page).toHaveLength(4);
    // 23 rows in slices of 5: the loop turned at each of the four breaks.
    expect(turns).toBeGreaterThanOrEqual(4);
    await store.close();
  });

  it('keeps no index for the other orders, which every telemetry insert would have to maintain', async () => {
    const store = await openTestStore();
    const indexes = await sql<{
      name: string;
    }>`select name from sqlite_master where type = 'index' and tbl_name = 'requests'`.execute(store.kysely);
    expect(
      indexes.rows.map((row) => row.name).filter((name) => /^requests_(latency|cost|tokens)_id$/.test(name)),
    ).toEqual([]);
    await store.close();
  });

  it('counts the filtered set up to the cap and no further', async () => {
    const store = await openTestStore();
    await store.insertRequests(RECORDS);
    expect(await store.countRequests({ limit: 1 }, 100)).toBe(23);
    expect(await store.countRequests({ limit: 1, client: 'odd' }, 100)).toBe(12);
    expect(await store.countRequests({ limit: 1 }, 10)).toBe(11);
    await store.close();
  });
});
