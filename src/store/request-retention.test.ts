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
