import { describe, expect, it } from 'vitest';
import { openTestStore } from '../../test/support/sqlite-store.js';
import { bucketOf, quantile } from '../telemetry/latency-histogram.js';
import type { RequestRecord } from '../telemetry/request-record.js';
import { rollupRecords } from '../telemetry/rollup.js';

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
    expect(bucketOf(quantile(all?.latency ?? [], 0.5) as number)).toBe(bucketOf(100));
    expect(bucketOf(quantile(all?.latency ?? [], 1) as number)).toBe(bucketOf(1_000));

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
});
