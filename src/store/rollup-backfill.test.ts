import { describe, expect, it } from 'vitest';
import { openTestStore } from '../../test/support/sqlite-store.js';
import { bucketOf, quantile } from '../telemetry/latency-histogram.js';
import { fromPacked } from '../telemetry/packed-histogram.js';
import type { RequestRecord } from '../telemetry/request-record.js';
import { rollupRecords } from '../telemetry/rollup.js';
import { backfillRollupGrain } from './rollup-backfill.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function record(time: number, latencyMs: number, client: string): RequestRecord {
  return {
    id: `req_${time}_${client}`,
    time,
    client,
    entryPoint: 'chat.completions',
    method: 'POST',
    path: '/v1/chat/completions',
    stream: false,
    requestedModel: 'chat',
    provider: 'p',
    upstreamModel: 'm',
    routeMode: 'direct',
    attempts: [],
    status: 200,
    latencyMs,
    ttfbMs: null,
    inputTokens: 3,
    outputTokens: 1,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0.25,
    errorCode: null,
    errorMessage: null,
    configRevision: 1,
  };
}

describe('backfilling a coarser rollup grain', () => {
  it('sums the hours that an upgrade found into days, histograms and all', async () => {
    const store = await openTestStore();
    const records = [record(DAY + HOUR, 10, 'a'), record(DAY + 20 * HOUR, 5_000, 'a'), record(2 * DAY + 1, 100, 'b')];
    // Only hour rows, as a store written before the coarser grains existed holds.
    await store.insertRollups(rollupRecords(records).filter((d) => d.grain === 'hour'));
    expect(await backfillRollupGrain(store.kysely, 'rollup_hour', 'rollup_day', DAY)).toBe(2 * 6);
    const days = await store.queryRollups({ grain: 'day', since: 0, until: 3 * DAY, stepMs: DAY, groupBy: 'client' });
    expect(days.map((p) => [p.time, p.group, p.requests, p.costUsd])).toEqual([
      [DAY, 'a', 2, 0.5],
      [2 * DAY, 'b', 1, 0.25],
    ]);
    expect(bucketOf(quantile(fromPacked(days[0]?.latency ?? ''), 1) as number)).toBe(bucketOf(5_000));
    await store.close();
  });
});
