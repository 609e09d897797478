import type { RequestRecord } from '../../src/telemetry/request-record.js';

let sequence = 0;

/** A request record with plausible defaults, for seeding a store with known traffic. */
export function requestRecord(fields: Partial<RequestRecord>): RequestRecord {
  sequence++;
  return {
    id: `req_seed_${String(sequence).padStart(8, '0')}`,
    time: Date.now(),
    client: 'test-client',
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
    latencyMs: 10,
    ttfbMs: null,
    inputTokens: null,
    outputTokens: null,
    cachedTokens: null,
    cacheWriteTokens: null,
    costUsd: null,
    errorCode: null,
    errorMessage: null,
    configRevision: 1,
    ...fields,
  };
}

type TokenTotals = Partial<Record<'inputTokens' | 'outputTokens' | 'cachedTokens', number>>;

/** `count` records whose token counts add up to `totals` (whole numbers; the first takes the remainder). */
export function requestRecords(
  count: number,
  fields: Partial<RequestRecord>,
  totals: TokenTotals = {},
): RequestRecord[] {
  const share = (total = 0, index: number) => Math.floor(total / count) + (index === 0 ? total % count : 0);
  return Array.from({ length: count }, (_, index) =>
    requestRecord({
      ...fields,
      inputTokens: share(totals.inputTokens, index),
      outputTokens: share(totals.outputTokens, index),
      cachedTokens: share(totals.cachedTokens, index),
      cacheWriteTokens: 0,
    }),
  );
}
