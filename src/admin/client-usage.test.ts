import { describe, expect, it } from 'vitest';
import { openTestStore } from '../../test/support/sqlite-store.js';
import type { RequestRecord } from '../telemetry/request-record.js';
import { clientUsage } from './client-usage.js';
import { retentionMs } from './traffic-stats.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function record(client: string, time: number, costUsd = 0.01): RequestRecord {
  return {
    id: `req_${client}_${time}`,
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
    latencyMs: 120,
    ttfbMs: null,
    inputTokens: 10,
    outputTokens: 4,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    costUsd,
    errorCode: null,
    errorMessage: null,
    configRevision: 1,
  };
}

describe('client usage from rollups', () => {
  it('sums the period per client and dates last use as finely as the rollups still allow', async () => {
    const store = await openTestStore();
    const now = 400 * DAY + 12 * HOUR + 30 * MINUTE + 15_000;
    await store.insertRequests([
      record('busy', now - 10 * MINUTE),
      record('busy', now - 3 * DAY),
      record('quiet', now - 5 * HOUR),
      record('old', now - 10 * DAY, 0.5),
    ]);
    const kept = retentionMs({ minute: 2, ten_minutes: 14, hour: 90, six_hours: 400, day: 0 });
    const day = await clientUsage(store, DAY, kept, now);
    expect(day.map((u) => [u.client, u.requests, u.last_used_within_ms])).toEqual([
      ['busy', 1, MINUTE],
      ['old', 0, DAY],
      ['quiet', 1, HOUR],
    ]);
    const busy = day.find((u) => u.client === 'busy');
    expect(busy?.last_used_at).toBe(new Date(now - 10 * MINUTE - ((now - 10 * MINUTE) % MINUTE)).toISOString());
    expect(day.find((u) => u.client === 'old')?.last_used_at).toBe(new Date(390 * DAY).toISOString());
    const month = await clientUsage(store, 30 * DAY, kept, now);
    expect(month.map((u) => [u.client, u.requests, u.input_tokens, u.cost_usd])).toEqual([
      ['busy', 2, 20, 0.02],
      ['old', 1, 10, 0.5],
      ['quiet', 1, 10, 0.01],
    ]);
    await store.close();
  });
});
