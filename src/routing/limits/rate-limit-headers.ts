import type { ClientDialect } from '../../api/shared/client-dialect.js';

/** The state of one limit as rate-limit headers report it. */
export interface LimitState {
  readonly limit: number;
  readonly remaining: number;
  /** Epoch ms. */
  readonly resetAt: number;
}

type Reported = 'requests' | 'tokens';

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
 * One limit's header texts that do not change with every request, formatted once: the limit, Anthropic's reset
 * time, and OpenAI's reset duration (which changes once a second until the last second).
 */
export class LimitHeaderTexts {
  readonly limitText: string;
  private seconds = -1;
  private duration = '';
  private time: string | undefined;

  constructor(
    readonly limit: number,
    readonly resetAt: number,
  ) {
    this.limitText = String(limit);
  }

  openaiReset(now: number): string {
    const ms = this.resetAt - now;
    if (ms < 1_000) return openaiResetDuration(ms);
    // Above a second the duration is whole seconds, rounded up: the same text for a whole second.
    const seconds = Math.ceil(ms / 1_000);
    if (seconds !== this.seconds) {
      this.seconds = seconds;
      this.duration = openaiResetDuration(ms);
    }
    return this.duration;
  }

  anthropicReset(): string {
    this.time ??= rfc3339(this.resetAt);
    return this.time;
  }
}

/**
 * Writes one limit's three headers in the client's dialect into `into`: OpenAI's
 * x-ratelimit-{limit,remaining,reset}-{requests,tokens}, Anthropic's anthropic-ratelimit-{requests,tokens}-
 * {limit,remaining,reset} (and, for tokens, the input-tokens and output-tokens triples Anthropic also sends).
 *
 * Each name is a constant at its own store, not looked up from a table: a store through a looked-up key sees all
 * twenty-four names and every shape a response's header object comes in, which makes it megamorphic in V8, and then
 * each header added to the object goes through the generic keyed-store stub (putLimitHeaders was 6.9% of the
 * CPU profile of bench/limits-work.mjs, `KeyedStoreIC_Megamorphic` ~1.3k instructions a request). A store of a
 * constant name keeps the object's shape transition in its inline cache.
 */
export function putLimitHeaders(
  into: Record<string, unknown>,
  dialect: ClientDialect,
  kind: Reported,
  texts: LimitHeaderTexts,
  used: number,
  now: number,
): void {
  const remaining = String(Math.max(0, texts.limit - used));
  if (dialect === 'anthropic') {
    const reset = texts.anthropicReset();
    if (kind === 'requests') {
      into['anthropic-ratelimit-requests-limit'] = texts.limitText;
      into['anthropic-ratelimit-requests-remaining'] = remaining;
      into['anthropic-ratelimit-requests-reset'] = reset;
    } else {
      into['anthropic-ratelimit-tokens-limit'] = texts.limitText;
      into['anthropic-ratelimit-tokens-remaining'] = remaining;
      into['anthropic-ratelimit-tokens-reset'] = reset;
      // Anthropic sends its input- and output-token limits apart as well, and clients watch those (their
      // -remaining is what a status line or a throttle reads). A key's TPM counts input and output together,
      // so it bounds each of them: the same three values are true under both names.
      into['anthropic-ratelimit-input-tokens-limit'] = texts.limitText;
      into['anthropic-ratelimit-input-tokens-remaining'] = remaining;
      into['anthropic-ratelimit-input-tokens-reset'] = reset;
      into['anthropic-ratelimit-output-tokens-limit'] = texts.limitText;
      into['anthropic-ratelimit-output-tokens-remaining'] = remaining;
      into['anthropic-ratelimit-output-tokens-reset'] = reset;
    }
    return;
  }
  const reset = texts.openaiReset(now);
  if (kind === 'requests') {
    into['x-ratelimit-limit-requests'] = texts.limitText;
    into['x-ratelimit-remaining-requests'] = remaining;
    into['x-ratelimit-reset-requests'] = reset;
  } else {
    into['x-ratelimit-limit-tokens'] = texts.limitText;
    into['x-ratelimit-remaining-tokens'] = remaining;
    into['x-ratelimit-reset-tokens'] = reset;
  }
}

/**
 * The rate-limit headers of the client's dialect: OpenAI's x-ratelimit-{limit,remaining,reset}-{requests,tokens}
 * (reset as a duration), or Anthropic's anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-
 * {limit,remaining,reset} (reset as an RFC 3339 time). A limit the key does not have is left out.
 */
export function rateLimitHeaders(
  dialect: ClientDialect,
  requests: LimitState | undefined,
  tokens: LimitState | undefined,
  now: number,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const put = (kind: Reported, state: LimitState | undefined) => {
    if (!state) return;
    const texts = new LimitHeaderTexts(state.limit, state.resetAt);
    putLimitHeaders(headers, dialect, kind, texts, state.limit - state.remaining, now);
  };
  put('requests', requests);
  put('tokens', tokens);
  return headers;
}
