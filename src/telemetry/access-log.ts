import type { RequestRecord } from './request-record.js';

/**
 * The fields of one access-log line: what the telemetry record says about a request, flat and snake_case so
 * log tools index them. Records hold no bodies or tokens (the client is its name), and error messages are
 * already redacted of provider credentials.
 */
export function accessLogFields(record: RequestRecord): Record<string, unknown> {
  return {
    request_id: record.id,
    client: record.client,
    // The key (not its token) and its tags, so a log pipeline attributes requests as the request log does.
    key_id: record.keyId ?? null,
    tags: record.clientTags ?? null,
    entry_point: record.entryPoint,
    method: record.method,
    path: record.path,
    stream: record.stream,
    model: record.requestedModel,
    // null when no target answered (the request log files such a request under no provider); the provider the
    // request went to last, the one amg_requests_total names, is here whatever the outcome.
    provider: record.provider,
    last_provider_tried: record.attempts.at(-1)?.provider ?? null,
    upstream_model: record.upstreamModel,
    route_mode: record.routeMode,
    attempts: record.attempts.length,
    status: record.status,
    latency_ms: record.latencyMs,
    ttfb_ms: record.ttfbMs,
    input_tokens: record.inputTokens,
    output_tokens: record.outputTokens,
    cached_tokens: record.cachedTokens,
    cache_write_tokens: record.cacheWriteTokens,
    reasoning_tokens: record.reasoningTokens ?? null,
    usage_estimated: record.usageEstimated ?? false,
    cost_usd: record.costUsd,
    error_code: record.errorCode,
    error: record.errorMessage,
    dropped: record.droppedFields ?? null,
    config_revision: record.configRevision,
  };
}
