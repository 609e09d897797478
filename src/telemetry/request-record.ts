/** What the gateway remembers about one request: one row per request, written in batches off the hot path. */

export type EntryPoint =
  | 'chat.completions'
  | 'embeddings'
  | 'models'
  | 'messages'
  | 'messages.count_tokens'
  | 'responses'
  | 'admin'
  | 'unknown';

/** How the final target was reached. */
export type RouteMode = 'direct' | 'retry' | 'fallback' | 'sticky' | 'none';

/** Why an attempt failed; also the vocabulary of `fallback_on`. */
export type ErrorClass =
  | 'rate_limit'
  | 'server_error'
  | 'timeout'
  | 'connection'
  | 'context_length'
  | 'content_filter'
  | 'client_error'
  | 'auth'
  | 'not_configured'
  /** The target cannot take this request (e.g. a field its dialect cannot express). */
  | 'unsupported'
  | 'stream_error'
  | 'cancelled'
  /** The gateway's own code failed (a bug, not the upstream): counts against no breaker and no guard. */
  | 'internal';

export interface AttemptRecord {
  provider: string;
  model: string;
  /** Upstream HTTP status, or 0 when no response arrived. */
  status: number;
  errorClass?: ErrorClass | undefined;
  error?: string | undefined;
  latencyMs: number;
  /**
   * The upstream refused the cached access token (401/403) the attempt first sent: the token was dropped and
   * the request sent once more with a fresh one; `status` is the answer to that second send.
   */
  tokenRenewed?: true | undefined;
}

/**
 * Token counts in the gateway's one normalised form, whatever the provider reported (see docs/operations.md,
 * "Usage and cost"): `inputTokens` counts every prompt token, cache reads and writes included; `outputTokens`
 * counts every generated token, reasoning included. The other counts are parts of those, never added to them.
 */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Part of inputTokens served from the provider's prompt cache (cache reads). */
  cachedTokens: number;
  /** Part of inputTokens written to the provider's prompt cache (Anthropic / Bedrock cache creation). */
  cacheWriteTokens: number;
  /** Part of outputTokens spent on reasoning (thinking), where the provider reports it. */
  reasoningTokens?: number | undefined;
  /** The upstream reported no usage (e.g. a stream the client abandoned): counts estimated from the text. */
  estimated?: boolean | undefined;
}

export interface RequestRecord {
  id: string;
  /** Epoch milliseconds when the request arrived. */
  time: number;
  client: string | null;
  /** The id of the store key that authenticated the request (null for config clients and refusals). */
  keyId?: string | null | undefined;
  /** The client key's tags (`team=search`), copied when the request was authenticated. */
  clientTags?: Record<string, string> | null | undefined;
  entryPoint: EntryPoint;
  method: string;
  path: string;
  stream: boolean;
  requestedModel: string | null;
  provider: string | null;
  upstreamModel: string | null;
  routeMode: RouteMode;
  attempts: AttemptRecord[];
  status: number;
  latencyMs: number;
  /** Time to the first byte sent to the client; null when no upstream answered (the gateway refused it itself). */
  ttfbMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cachedTokens: number | null;
  cacheWriteTokens: number | null;
  /** Part of outputTokens spent on reasoning, where reported (null when the provider did not say). */
  reasoningTokens?: number | null | undefined;
  /** The token counts are the gateway's estimate, not the upstream's report (an abandoned stream). */
  usageEstimated?: boolean | undefined;
  costUsd: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  configRevision: number | null;
  /** Hints a translated request lost (the `x-gateway-dropped` header), or null when none was dropped. */
  droppedFields?: string[] | null | undefined;
}

/** What the request log can be ordered by: time (the id's order), latency, cost, or input + output tokens. */
export type RequestSort = 'time' | 'latency' | 'cost' | 'tokens';

/** Where the previous page ended: the last row's sort value (null: a row without one) and id. */
export interface RequestCursor {
  value: number | null;
  id: string;
}

export interface RequestQuery {
  limit: number;
  /** Return only records older than this request id (pagination cursor of the time order, newest first). */
  before?: string | undefined;
  /** Default time. */
  sort?: RequestSort | undefined;
  /** Default desc: newest, slowest, dearest, largest first. */
  order?: 'asc' | 'desc' | undefined;
  /** Return only records after this one in the query's order (pagination cursor of the other orders). */
  after?: RequestCursor | undefined;
  client?: string | undefined;
  model?: string | undefined;
  provider?: string | undefined;
  status?: 'ok' | 'error' | undefined;
  /** Only records at or after this epoch-ms time. */
  since?: number | undefined;
  /** Only records before this epoch-ms time. */
  until?: number | undefined;
  entryPoint?: string | undefined;
  routeMode?: RouteMode | undefined;
  /** HTTP status class: 2xx, 4xx, 429 (alone) or 5xx. */
  statusClass?: string | undefined;
}
