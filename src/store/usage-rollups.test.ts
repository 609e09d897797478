import { describe, expect, it } from 'vitest';
import { openTestStore } from '../../test/support/sqlite-store.js';
import type { RequestRecord } from '../telemetry/request-record.js';
import { emptyTotals, type UsageRow, type UsageTotals } from '../telemetry/usage-summary.js';
import { USAGE_ROLLUPS_SINCE, usageSpans } from './usage-queries.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2); // a day's start

let seed = 7;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

let counter = 0;
function record(time: number): RequestRecord {
  counter++;
  const refused = random() < 0.1;
  const priced = random() < 0.8;
  return {
    id: `req_${String(counter).padStart(7, '0')}`,
    time,
    client: pick(['team-a', 'team-b', null]),
    entryPoint: 'chat.completions',
    method: 'POST',
    path: '/v1/chat/completions',
    stream: false,
    requestedModel: refused ? null : pick(['chat', 'claude']),
    provider: refused ? null : pick(['openai', 'bedrock']),
    upstreamModel: null,
    routeMode: 'direct',
    attempts: [],
    status: refused ? 401 : 200,
    latencyMs: 1,
    ttfbMs: null,
    inputTokens: refused ? null : 100 + counter,
    outputTokens: refused ? null : 7,
    cachedTokens: refused ? null : counter % 5,
    cacheWriteTokens: refused ? null : counter % 3,
    reasoningTokens: refused || counter % 2 ? null : 4,
    costUsd: refused || !priced ? null : 0.000123 * (1 + (counter % 4)),
    errorCode: null,
    errorMessage: null,
    configRevision: 1,
  };
}

const COLUMN = { key: 'client', model: 'requestedModel', provider: 'provider' } as const;

/** The report worked out from the records themselves, as the request log's grouped scan sums them. */
function expected(records: readonly RequestRecord[], groupBy: keyof typeof COLUMN, since: number, until: number) {
  const groups = new Map<string | null, UsageTotals>();
  for (const r of records) {
    if (r.time < since || r.time >= until) continue;
    const group = r[COLUMN[groupBy]];
    const sum = groups.get(group) ?? emptyTotals();
    groups.set(group, sum);
    sum.requests++;
    sum.inputTokens += r.inputTokens ?? 0;
    sum.outputTokens += r.outputTokens ?? 0;
    sum.cachedTokens += r.cachedTokens ?? 0;
    sum.cacheWriteTokens += r.cacheWriteTokens ?? 0;
    sum.reasoningTokens += r.reasoningTokens ?? 0;
    sum.costUsd += r.costUsd ?? 0;
    if (r.costUsd === null && r.inputTokens !== null) sum.unpricedRequests++;
  }
  return byGroup([...groups].map(([group, sums]) => ({ group, ...sums })));
}

function byGroup(rows: UsageRow[]) {
  return Object.fromEntries(
    rows.map(({ group, costUsd, ...rest }) => [String(group), { ...rest, costUsd: Math.round(costUsd * 1e9) }]),
  );
}

/** Three days of requests, several a minute at the edges of every grain. */
function traffic(): RequestRecord[] {
  const records: RequestRecord[] = [];
  for (let time = T0 - 2 * HOUR; time < T0 + 3 * DAY; time += 7 * MINUTE + Math.floor(random() * 5 * MINUTE)) {
    records.push(record(time));
    records.push(record(time + Math.floor(random() * MINUTE)));
  }
  return records;
}

describe('usage reports from rollups', () => {
  it('equal the request log, group by group, over windows that cut days, hours and minutes anywhere', async () => {
    const store = await openTestStore();
    const records = traffic();
    for (let i = 0; i < records.length; i += 100) await store.insertRequests(records.slice(i, i + 100));
    const windows = [
      [T0 - 3 * HOUR, T0 + 4 * DAY],
      [T0 + 17 * MINUTE + 123, T0 + 2 * DAY + 5 * HOUR + 31 * MINUTE + 7],
      [T0 + DAY - 1, T0 + DAY + 1],
      [T0 + 5 * HOUR + 59_999, T0 + 7 * HOUR + 1],
    ];
    for (const [since, until] of windows as Array<[number, number]>) {
      for (const groupBy of ['key', 'model', 'provider'] as const) {
        const rows = await store.summarizeUsage({ groupBy, since, until });
        expect(byGroup(rows), `${groupBy} ${since}..${until}`).toEqual(expected(records, groupBy, since, until));
      }
    }
    await store.close();
  });

  it('sum whole days, hours and minutes from rollups, not from each request row', async () => {
    const store = await openTestStore();
    const records = traffic();
    for (let i = 0; i < records.length; i += 100) await store.insertRequests(records.slice(i, i + 100));
    // Request rows of one interior day gone from the log while its rollups stay: a report that still counts
    // them read the rollups (the log's oldest request, and so the report's reach, is unchanged).
    await store.kysely
      .deleteFrom('requests')
      .where('time', '>=', T0 + DAY)
      .where('time', '<', T0 + 2 * DAY)
      .execute();
    const since = T0 - 90 * MINUTE + 17;
    const until = T0 + 3 * DAY;
    const rows = await store.summarizeUsage({ groupBy: 'key', since, until });
    expect(byGroup(rows)).toEqual(expected(records, 'key', since, until));
    await store.close();
  });

  it('count a record once when its batch is written again, whole or in part', async () => {
    const store = await openTestStore();
    const records = traffic();
    for (let i = 0; i < records.length; i += 100) await store.insertRequests(records.slice(i, i + 100));
    // A batch retried after its first write's reply was lost; one with new records among stored ones and one id
    // twice; a replay of a single record.
    await store.insertRequests(records.slice(100, 200));
    const late = [record(T0 + 5 * HOUR + 7), record(T0 + 5 * HOUR + 9)];
    await store.insertRequests([records[3] as RequestRecord, late[0] as RequestRecord, late[0] as RequestRecord]);
    await store.insertRequests([late[1] as RequestRecord, records[500] as RequestRecord]);
    await store.insertRequests([records[7] as RequestRecord]);
    const all = [...records, ...late];
    const since = T0 - 2 * HOUR;
    const until = T0 + 4 * DAY;
    expect(byGroup(await store.summarizeUsage({ groupBy: 'key', since, until }))).toEqual(
      expected(all, 'key', since, until),
    );
    const hours = await store.queryRollups({ grain: 'hour', since, until, stepMs: HOUR });
    expect(hours.reduce((sum, point) => sum + point.requests, 0)).toBe(all.length);
    const [{ n }] = (await store.kysely
      .selectFrom('requests')
      .select((eb) => eb.fn.countAll().as('n'))
      .execute()) as [{ n: number }];
    expect(Number(n)).toBe(all.length);
    await store.close();
  });

  it('read the log before the usage sums were added and before the oldest request retention left', async () => {
    const store = await openTestStore();
    const records = traffic();
    for (let i = 0; i < records.length; i += 100) await store.insertRequests(records.slice(i, i + 100));
    // A store upgraded at T0 + 30 h: rollup rows before then hold no usage sums.
    const upgraded = T0 + 30 * HOUR + 5 * MINUTE;
    await store.kysely
      .updateTable('meta')
      .set({ value: String(upgraded) })
      .where('key', '=', USAGE_ROLLUPS_SINCE)
      .execute();
    for (const table of ['rollup_minute', 'rollup_hour', 'rollup_day'] as const) {
      await store.kysely
        .updateTable(table)
        .set({ cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0, unpriced: 0 })
        .where('bucket', '<', upgraded)
        .execute();
    }
    // Retention deleted the first hours of the log (rollups outlive it).
    const retained = records.filter((r) => r.time >= T0 + 3 * HOUR + 10 * MINUTE);
    await store.deleteRequestsBefore(T0 + 3 * HOUR + 10 * MINUTE, 100_000);
    for (const groupBy of ['key', 'provider'] as const) {
      const rows = await store.summarizeUsage({ groupBy, since: T0 - DAY, until: T0 + 4 * DAY });
      expect(byGroup(rows)).toEqual(expected(retained, groupBy, T0 - DAY, T0 + 4 * DAY));
    }
    await store.close();
  });

  it('cut a window into whole buckets of the coarsest grain that fits, the ends left to the log', () => {
    const from = { day: 0, hour: 0, minute: 0 };
    expect(usageSpans(T0 - 90 * MINUTE - 5, T0 + DAY + HOUR + 30_000, from)).toEqual([
      { grain: null, since: T0 - 90 * MINUTE - 5, until: T0 - 90 * MINUTE },
      { grain: 'minute', since: T0 - 90 * MINUTE, until: T0 - HOUR },
      { grain: 'hour', since: T0 - HOUR, until: T0 },
      { grain: 'day', since: T0, until: T0 + DAY },
      { grain: 'hour', since: T0 + DAY, until: T0 + DAY + HOUR },
      { grain: null, since: T0 + DAY + HOUR, until: T0 + DAY + HOUR + 30_000 },
    ]);
    // Days of rollups only from T0 + 2 d (their usage sums begin there): hours cover the rest.
    expect(usageSpans(T0, T0 + 3 * DAY, { day: T0 + 2 * DAY, hour: 0 })).toEqual([
      { grain: 'hour', since: T0, until: T0 + 2 * DAY },
      { grain: 'day', since: T0 + 2 * DAY, until: T0 + 3 * DAY },
    ]);
    expect(usageSpans(T0, T0 + DAY, {})).toEqual([{ grain: null, since: T0, until: T0 + DAY }]);
  });
});
