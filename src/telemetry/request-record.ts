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
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache (cache reads). */
  cachedTokens: number;
  /** Input tokens written to the provider's prompt cache (Anthropic cache creation). */
  cacheWriteTokens: number;
}

export interface RequestRecord {
  id: string;
  /** Epoch milliseconds when the request arrived. */
  time: number;
  client: string | null;
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
  /** Time to the first byte sent to the client (streams). */
  ttfbMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cachedTokens: number | null;
  cacheWriteTokens: number | null;
  costUsd: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  configRevision: number | null;
  /** Hints a translated request lost (the `x-gateway-dropped` header), or null when none was dropped. */
  droppedFields?: string[] | null | undefined;
}

export interface RequestQuery {
  limit: number;
  /** Return only records older than this request id (pagination cursor). */
  before?: string | undefined;
  client?: string | undefined;
  model?: string | undefined;
  provider?: string | undefined;
  status?: 'ok' | 'error' | undefined;
  /** Only records at or after this epoch-ms time. */
  since?: number | undefined;
}
