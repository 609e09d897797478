import { describe, expect, it } from 'vitest';
import { openTestStore } from '../../test/support/sqlite-store.js';
import type { RequestRecord } from '../telemetry/request-record.js';

let counter = 0;
function record(fields: Partial<RequestRecord>): RequestRecord {
  counter++;
  return {
    id: `req_${String(counter).padStart(6, '0')}`,
    time: 1_000,
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
    inputTokens: 10,
    outputTokens: 5,
    cachedTokens: 1,
    cacheWriteTokens: 0,
    costUsd: null,
    errorCode: null,
    errorMessage: null,
    configRevision: 1,
    ...fields,
  };
}

describe('summarizeTraffic', () => {
  it('sums requests and tokens per model, client and provider inside the window only', async () => {
    const store = await openTestStore();
    await store.insertRequests([
      record({}),
      record({ inputTokens: 20, outputTokens: 7 }),
      record({ provider: 'b', inputTokens: null, outputTokens: null, cachedTokens: null, status: 502 }),
      record({ client: 'web' }),
      record({ time: 999 }),
      record({ time: 2_000 }),
      record({ entryPoint: 'models', requestedModel: 'chat' }),
      record({ requestedModel: null, provider: null }),
    ]);
    const rows = await store.summarizeTraffic({ since: 1_000, until: 2_000 });
    const sorted = rows.sort((x, y) => `${x.client}${x.provider}`.localeCompare(`${y.client}${y.provider}`));
    expect(sorted).toEqual([
      {
        model: 'chat',
        client: 'ci',
        provider: 'a',
        requests: 2,
        inputTokens: 30,
        outputTokens: 12,
        cachedTokens: 2,
        cacheWriteTokens: 0,
      },
      {
        model: 'chat',
        client: 'ci',
        provider: 'b',
        requests: 1,
        inputTokens: 0,
        outputTokens: 0,
        cachedTokens: 0,
        cacheWriteTokens: 0,
      },
      {
        model: 'chat',
        client: 'web',
        provider: 'a',
        requests: 1,
        inputTokens: 10,
        outputTokens: 5,
        cachedTokens: 1,
        cacheWriteTokens: 0,
      },
    ]);
    await store.close();
  });
});
