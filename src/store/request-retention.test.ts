import { describe, expect, it } from 'vitest';
import { openTestStore } from '../../test/support/sqlite-store.js';
import type { RequestRecord } from '../telemetry/request-record.js';

const record = (n: number, time: number): RequestRecord => ({
  id: `req_${String(n).padStart(6, '0')}`,
  time,
  client: 'ci',
  entryPoint: 'chat.completions',
  method: 'POST',
  path: '/v1/chat/completions',
  stream: false,
  requestedModel: 'chat',
  provider: 'a',
  upstreamModel: 'm',
  routeMode: 'direct',
  attempts: [],
  status: 200,
  latencyMs: 1,
  ttfbMs: null,
  inputTokens: 1,
  outputTokens: 1,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  costUsd: null,
  errorCode: null,
  errorMessage: null,
  configRevision: 1,
});

describe('deleteRequestsBefore', () => {
  it('deletes at most `limit` records older than the cutoff and keeps the newer ones', async () => {
    const store = await openTestStore();
    await store.insertRequests([record(1, 100), record(2, 200), record(3, 300), record(4, 1_000), record(5, 2_000)]);
    expect(await store.deleteRequestsBefore(1_000, 2)).toBe(2);
    expect(await store.deleteRequestsBefore(1_000, 2)).toBe(1);
    expect(await store.deleteRequestsBefore(1_000, 2)).toBe(0);
    const left = await store.listRequests({ limit: 10 });
    expect(left.map((r) => r.time).sort((a, b) => a - b)).toEqual([1_000, 2_000]);
    await store.close();
  });
});

describe('spend of pruned requests', () => {
  const MONTH_START = Date.parse('2026-11-30T23:00:00Z'); // December 1st in Europe/Berlin
  const spent = (n: number, time: number, costUsd: number, keyId: string | null = 'key_a'): RequestRecord => ({
    ...record(n, time),
    client: 'team-a',
    keyId,
    costUsd,
  });

  it('still counts in a budget once retention has deleted the requests', async () => {
    const store = await openTestStore();
    const created = Date.parse('2026-10-01T10:07:00Z');
    await store.insertRequests([
      spent(1, created + 60_000, 1.25), // before the month: counts in the total only
      spent(2, MONTH_START + 1_000, 2.5), // in the month's first quarter hour
      spent(3, MONTH_START - 1_000, 0.5), // in the same UTC quarter hour, but November in Berlin
      spent(4, MONTH_START + 3_600_000, 4, null), // a config client of the same name: not this key's spend
      spent(5, MONTH_START + 7_200_000, 8), // kept: after the cutoff
    ]);
    const before = {
      total: await store.clientSpendSince('team-a', 'key_a', created),
      month: await store.clientSpendSince('team-a', 'key_a', MONTH_START),
      config: await store.clientSpendSince('team-a', null, 0),
    };
    expect(before).toEqual({ total: 12.25, month: 10.5, config: 4 });

    expect(await store.deleteRequestsBefore(MONTH_START + 7_000_000, 2)).toBe(2);
    expect(await store.deleteRequestsBefore(MONTH_START + 7_000_000, 2)).toBe(2);
    expect((await store.listRequests({ limit: 10 })).map((r) => r.id)).toEqual(['req_000005']);

    expect(await store.clientSpendSince('team-a', 'key_a', created)).toBe(before.total);
    expect(await store.clientSpendSince('team-a', 'key_a', MONTH_START)).toBe(before.month);
    expect(await store.clientSpendSince('team-a', null, 0)).toBe(before.config);
    expect(await store.clientSpendSince('team-b', 'key_a', created)).toBe(0);
    await store.close();
  });
});
