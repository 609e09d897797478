import { describe, expect, it } from 'vitest';
import { openTestStore } from '../../test/support/sqlite-store.js';
import type { RequestRecord } from '../telemetry/request-record.js';

let counter = 0;
function record(fields: Partial<RequestRecord>): RequestRecord {
  counter++;
  return {
    id: `req_${String(counter).padStart(6, '0')}`,
    time: 1_000,
    client: 'team-a',
    entryPoint: 'chat.completions',
    method: 'POST',
    path: '/v1/chat/completions',
    stream: false,
    requestedModel: 'chat',
    provider: 'openai',
    upstreamModel: 'gpt-4o',
    routeMode: 'direct',
    attempts: [],
    status: 200,
    latencyMs: 1,
    ttfbMs: null,
    inputTokens: 100,
    outputTokens: 50,
    cachedTokens: 20,
    cacheWriteTokens: 5,
    reasoningTokens: 10,
    costUsd: 0.25,
    errorCode: null,
    errorMessage: null,
    configRevision: 1,
    ...fields,
  };
}

async function seeded() {
  const store = await openTestStore();
  await store.insertRequests([
    record({ clientTags: { team: 'search', env: 'prod' } }),
    record({ clientTags: { env: 'prod', team: 'search' }, costUsd: 0.5 }),
    record({ client: 'team-b', provider: 'anthropic', requestedModel: 'claude', clientTags: { team: 'ads' } }),
    // Tokens but no price; and a refusal with neither.
    record({ client: 'team-b', costUsd: null, reasoningTokens: null }),
    record({
      client: null,
      provider: null,
      status: 401,
      inputTokens: null,
      outputTokens: null,
      cachedTokens: null,
      cacheWriteTokens: null,
      reasoningTokens: null,
      costUsd: null,
    }),
    // Outside the window on both sides.
    record({ time: 999 }),
    record({ time: 2_000 }),
  ]);
  return store;
}

describe('summarizeUsage', () => {
  it('sums requests, every token kind and cost per key inside the window only', async () => {
    const store = await seeded();
    const rows = await store.summarizeUsage({ groupBy: 'key', since: 1_000, until: 2_000 });
    expect(rows).toEqual([
      {
        group: 'team-a',
        requests: 2,
        inputTokens: 200,
        outputTokens: 100,
        cachedTokens: 40,
        cacheWriteTokens: 10,
        reasoningTokens: 20,
        costUsd: 0.75,
        unpricedRequests: 0,
      },
      {
        group: 'team-b',
        requests: 2,
        inputTokens: 200,
        outputTokens: 100,
        cachedTokens: 40,
        cacheWriteTokens: 10,
        reasoningTokens: 10,
        costUsd: 0.25,
        unpricedRequests: 1,
      },
      {
        group: null,
        requests: 1,
        inputTokens: 0,
        outputTokens: 0,
        cachedTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
        costUsd: 0,
        unpricedRequests: 0,
      },
    ]);
  });

  it('groups by provider and by requested model', async () => {
    const store = await seeded();
    const byProvider = await store.summarizeUsage({ groupBy: 'provider', since: 1_000, until: 2_000 });
    expect(byProvider.map((r) => [r.group, r.requests, r.costUsd])).toEqual([
      ['openai', 3, 0.75],
      ['anthropic', 1, 0.25],
      [null, 1, 0],
    ]);
    const byModel = await store.summarizeUsage({ groupBy: 'model', since: 1_000, until: 2_000 });
    expect(byModel.map((r) => [r.group, r.requests])).toEqual([
      ['chat', 4],
      ['claude', 1],
    ]);
  });

  it('splits tag sets into key=value groups, a request counting once under each of its tags', async () => {
    const store = await seeded();
    const rows = await store.summarizeUsage({ groupBy: 'tag', since: 1_000, until: 2_000 });
    expect(rows.map((r) => [r.group, r.requests, r.costUsd])).toEqual([
      ['env=prod', 2, 0.75],
      ['team=search', 2, 0.75],
      ['team=ads', 1, 0.25],
      [null, 2, 0],
    ]);
  });

  it('sums costs without floating-point noise', async () => {
    const store = await openTestStore();
    // 0.001 + 0.002 + 0.005781 is 0.008780999999999999 in binary floating point.
    for (const costUsd of [0.001, 0.002, 0.005781]) await store.insertRequests([record({ time: 1_000, costUsd })]);
    const [row] = await store.summarizeUsage({ groupBy: 'key', since: 1_000, until: 2_000 });
    expect(row?.costUsd).toBe(0.008781);
  });
});
