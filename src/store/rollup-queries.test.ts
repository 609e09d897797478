import { describe, expect, it } from 'vitest';
import { openTestStore } from '../../test/support/sqlite-store.js';
import { bucketOf, quantile } from '../telemetry/latency-histogram.js';
import { fromPacked } from '../telemetry/packed-histogram.js';
import type { RequestRecord } from '../telemetry/request-record.js';
import { rollupRecords } from '../telemetry/rollup.js';
import { lastRollupBuckets, queryRollups } from './rollup-queries.js';

let counter = 0;
function record(fields: Partial<RequestRecord>): RequestRecord {
  counter++;
  return {
    id: `req_${String(counter).padStart(6, '0')}`,
    time: 0,
    client: 'ci',
    entryPoint: 'chat.completions',
    method: 'POST',
    path: '/v1/chat/completions',
    stream: true,
    requestedModel: 'chat',
    provider: 'a',
    upstreamModel: 'm',
    routeMode: 'direct',
    attempts: [],
    status: 200,
    latencyMs: 100,
    ttfbMs: 20,
    inputTokens: 10,
    outputTokens: 5,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0.5,
    errorCode: null,
    errorMessage: null,
    configRevision: 1,
    ...fields,
  };
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

describe('rollups written with the request batches', () => {
  it('adds up batches, minutes and dimensions in the database, histograms included', async () => {
    const store = await openTestStore();
    const base = 10 * HOUR;
    await store.insertRequests([
      record({ time: base + 1_000, latencyMs: 100 }),
      record({ time: base + 2_000, latencyMs: 1_000, status: 502, provider: 'b' }),
    ]);
    // A second batch in the same minute merges into the same rows rather than adding new ones.
    await store.insertRequests([record({ time: base + 3_000, latencyMs: 100, ttfbMs: null })]);
    await store.insertRequests([record({ time: base + 5 * MINUTE, latencyMs: 10, status: 429 })]);

    const total = await store.queryRollups({ grain: 'minute', since: base, until: base + HOUR, stepMs: HOUR });
    expect(total).toHaveLength(1);
    const [all] = total;
    expect(all).toMatchObject({ time: base, requests: 4, errors: 2, inputTokens: 40, outputTokens: 20, ttftCount: 3 });
    expect(all?.costUsd).toBeCloseTo(2);
    expect(bucketOf(quantile(fromPacked(all?.latency ?? ''), 0.5) as number)).toBe(bucketOf(100));
    expect(bucketOf(quantile(fromPacked(all?.latency ?? ''), 1) as number)).toBe(bucketOf(1_000));

    const byProvider = await store.queryRollups({
      grain: 'hour',
      since: base,
      until: base + HOUR,
      stepMs: HOUR,
      groupBy: 'provider',
    });
    expect(Object.fromEntries(byProvider.map((p) => [p.group, p.requests]))).toEqual({ a: 3, b: 1 });

    const perMinute = await store.queryRollups({
      grain: 'minute',
      since: base,
      until: base + HOUR,
      stepMs: MINUTE,
      groupBy: 'status_class',
    });
    expect(perMinute.map((p) => [p.time - base, p.group, p.requests])).toEqual([
      [0, '2xx', 2],
      [0, '5xx', 1],
      [5 * MINUTE, '429', 1],
    ]);

    const byClient = await store.queryRollups({
      grain: 'minute',
      since: base,
      until: base + HOUR,
      stepMs: HOUR,
      groupBy: 'client',
    });
    // Each request counts once per dimension: grouping by another dimension gives the same total.
    expect(byClient.map((p) => [p.group, p.requests])).toEqual([['ci', 4]]);
    await store.close();
  });

  it("writes a batch that spans several of the writer's pauses whole, rows and rollups", async () => {
    const store = await openTestStore();
    const base = 20 * HOUR;
    // Rows take microseconds each: 1,000 span many of the writer's WORK_BETWEEN_PAUSES_MS slices.
    const batch = Array.from({ length: 1_000 }, (_, i) => record({ time: base + i }));
    await store.insertRequests(batch);
    const rows = await store.kysely
      .selectFrom('requests')
      .select(['id'])
      .where('time', '>=', base)
      .orderBy('id')
      .execute();
    expect(rows.map((row) => row.id)).toEqual(batch.map((r) => r.id));
    const [minute] = await store.queryRollups({ grain: 'minute', since: base, until: base + HOUR, stepMs: HOUR });
    expect(minute?.requests).toBe(batch.length);
  });

  it('keeps rollups written directly apart per grain and prunes them by age', async () => {
    const store = await openTestStore();
    await store.insertRollups(rollupRecords([record({ time: 0 }), record({ time: 2 * HOUR })]));
    // One row per stored dimension (all, model, provider, client, entry point, status class) per bucket.
    expect(await store.deleteRollupsBefore('minute', HOUR)).toBe(6);
    expect(await store.deleteRollupsBefore('hour', HOUR)).toBe(6);
    const left = await store.queryRollups({ grain: 'hour', since: 0, until: 3 * HOUR, stepMs: HOUR });
    expect(left.map((p) => p.time)).toEqual([2 * HOUR]);
    await store.close();
  });

  it('counts the same traffic in every grain', async () => {
    const store = await openTestStore();
    const DAY = 24 * HOUR;
    const base = 4 * DAY; // a multiple of the 2-day step below, so one step holds it all
    const times = [base + 1_000, base + 11 * MINUTE, base + 5 * HOUR, base + DAY + 1];
    await store.insertRequests(times.map((time, i) => record({ time, latencyMs: 10 ** (i + 1) })));
    const grains = ['minute', 'ten_minutes', 'hour', 'six_hours', 'day'] as const;
    for (const grain of grains) {
      const [total] = await store.queryRollups({ grain, since: base, until: base + 2 * DAY, stepMs: 2 * DAY });
      expect(total, grain).toMatchObject({ requests: 4, ttftCount: 4 });
      expect(bucketOf(quantile(fromPacked(total?.latency ?? ''), 1) as number), grain).toBe(bucketOf(10_000));
    }
    const days = await store.queryRollups({ grain: 'day', since: base, until: base + 2 * DAY, stepMs: DAY });
    expect(days.map((p) => [p.time - base, p.requests])).toEqual([
      [0, 3],
      [DAY, 1],
    ]);
    const tens = await store.queryRollups({ grain: 'ten_minutes', since: base, until: base + HOUR, stepMs: 1 });
    expect(tens.map((p) => [p.time - base, p.requests])).toEqual([
      [0, 1],
      [10 * MINUTE, 1],
    ]);
    await store.close();
  });

  it('reads the same points through the portable query as through the SQLite raw rows', async () => {
    const store = await openTestStore();
    const base = 20 * HOUR;
    await store.insertRequests(
      Array.from({ length: 30 }, (_, i) =>
        record({ time: base + i * 7 * MINUTE, client: `c${i % 3}`, latencyMs: 50 + i * 40, status: i % 7 ? 200 : 503 }),
      ),
    );
    const query = {
      grain: 'ten_minutes',
      since: base,
      until: base + 4 * HOUR,
      stepMs: HOUR,
      groupBy: 'client',
    } as const;
    const raw = await store.queryRollups(query);
    expect(raw.reduce((n, p) => n + p.requests, 0)).toBe(30);
    expect(await queryRollups(store.kysely, query)).toEqual(raw);
    await store.close();
  });

  it('finds when each client was last counted', async () => {
    const store = await openTestStore();
    await store.insertRequests([
      record({ time: 5 * MINUTE + 10, client: 'old' }),
      record({ time: 50 * MINUTE + 10, client: 'new' }),
      record({ time: 7 * MINUTE, client: 'new' }),
    ]);
    const last = await lastRollupBuckets(store.kysely, { grain: 'minute', dimension: 'client', since: 0 });
    expect(Object.fromEntries(last.map((l) => [l.value, l.bucket]))).toEqual({ old: 5 * MINUTE, new: 50 * MINUTE });
    expect(await store.lastRollupBuckets({ grain: 'minute', dimension: 'client', since: 6 * MINUTE })).toEqual([
      { value: 'new', bucket: 50 * MINUTE },
    ]);
    await store.close();
  });
});
