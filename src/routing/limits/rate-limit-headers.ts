import type { ClientDialect } from '../../api/shared/client-dialect.js';

/** The state of one limit as rate-limit headers report it. */
export interface LimitState {
  readonly limit: number;
  readonly remaining: number;
  /** Epoch ms. */
  readonly resetAt: number;
}

/** A duration the way OpenAI writes x-ratelimit-reset-*: "20ms", "1s", "6m0s", "1h2m3s". */
export function openaiResetDuration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.ceil(ms))}ms`;
  let seconds = Math.ceil(ms / 1_000);
  const hours = Math.floor(seconds / 3_600);
  seconds -= hours * 3_600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/** RFC 3339 without milliseconds, as Anthropic writes anthropic-ratelimit-*-reset. */
function rfc3339(ms: number): string {
  return `${new Date(Math.ceil(ms / 1_000) * 1_000).toISOString().slice(0, 19)}Z`;
}

/**
 * The rate-limit headers of the client's dialect: OpenAI's x-ratelimit-{limit,remaining,reset}-{requests,tokens}
 * (reset as a duration), or Anthropic's anthropic-ratelimit-{requests,tokens}-{limit,remaining,reset} (reset as
 * an RFC 3339 time). A limit the key does not have is left out.
 */
export function rateLimitHeaders(
  dialect: ClientDialect,
  requests: LimitState | undefined,
  tokens: LimitState | undefined,
  now: number,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const put = (kind: 'requests' | 'tokens', state: LimitState | undefined) => {
    if (!state) return;
    const remaining = String(Math.max(0, state.remaining));
    if (dialect === 'anthropic') {
      headers[`anthropic-ratelimit-${kind}-limit`] = String(state.limit);
      headers[`anthropic-ratelimit-${kind}-remaining`] = remaining;
      headers[`anthropic-ratelimit-${kind}-reset`] = rfc3339(state.resetAt);
    } else {
      headers[`x-ratelimit-limit-${kind}`] = String(state.limit);
      headers[`x-ratelimit-remaining-${kind}`] = remaining;
      headers[`x-ratelimit-reset-${kind}`] = openaiResetDuration(state.resetAt - now);
    }
  };
  put('requests', requests);
  put('tokens', tokens);
  return headers;
}
