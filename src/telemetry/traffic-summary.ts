/** Request metadata summed per model, client and serving provider over a time window (impact previews). */
export interface TrafficRow {
  model: string;
  client: string | null;
  /** The provider that served the request; null when none did. */
  provider: string | null;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
}

export interface TrafficQuery {
  since: number;
  until: number;
}
