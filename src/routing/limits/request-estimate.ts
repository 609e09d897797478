import { costOf } from '../../cost/cost-of.js';
import type { ModelRoute } from '../route-table.js';

/**
 * Output tokens reserved for a request that sets no max_tokens. It is settled to the real count when the
 * request ends; a client that wants its reservation exact sets max_tokens.
 */
export const DEFAULT_OUTPUT_RESERVATION = 1_024;
/** About four bytes of JSON per token: an over-estimate of the prompt (the markup counts too), settled later. */
const BYTES_PER_TOKEN = 4;
/**
 * Tokens reserved for one inline image at most. Providers bill an image by its pixels, not its bytes: Claude
 * ~1,600 for a full-size one, GPT-4o ≤ 1,445 at high detail, Gemini 258 a tile. 5,000 covers them with room
 * to spare; a base64 image read as text (4 MB → 1M tokens) would take a TPM window or a small day's budget
 * by itself. Models that bill an image at many more tokens (GPT-4o mini's multiplier) settle to their real
 * count when the request ends.
 */
const IMAGE_TOKEN_CAP = 5_000;
/** Smaller bodies are not checked for images: one that small reserves less than the cap anyway. */
const IMAGE_SCAN_BYTES = IMAGE_TOKEN_CAP * BYTES_PER_TOKEN;
/** Inline images are base64: a body without this marker has none, so most large prompts skip the walk. */
const BASE64_MARKER = Buffer.from('base64');

export interface TokenEstimate {
  readonly input: number;
  readonly output: number;
}

/**
 * What a request will use at most, reserved before it is sent. It costs no tokenizer run and no translation
 * on the hot path: the body's size for the input (each inline image counted at most IMAGE_TOKEN_CAP), and the
 * client's own output cap (max_tokens, max_completion_tokens or max_output_tokens, whichever its dialect uses)
 * for the output.
 */
export function estimateTokens(
  bodyBytes: number,
  body: Record<string, unknown> | undefined,
  raw?: Uint8Array,
): TokenEstimate {
  const cap = body?.max_tokens ?? body?.max_completion_tokens ?? body?.max_output_tokens;
  const output = typeof cap === 'number' && cap > 0 ? Math.ceil(cap) : DEFAULT_OUTPUT_RESERVATION;
  let input = Math.ceil(bodyBytes / BYTES_PER_TOKEN);
  if (
    body &&
    raw &&
    bodyBytes > IMAGE_SCAN_BYTES &&
    Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).includes(BASE64_MARKER)
  ) {
    input -= imageExcess(body);
  }
  return { input, output };
}

/**
 * Tokens the byte count gives inline images beyond IMAGE_TOKEN_CAP each: OpenAI and Responses data URLs
 * (`data:image/…;base64,…`) and Anthropic base64 sources (`media_type: image/…`). Other base64 media
 * (documents, audio) keep their byte count: what a page or a second costs is not bounded the same way.
 */
function imageExcess(body: Record<string, unknown>): number {
  let excess = 0;
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (value.startsWith('data:image/')) excess += overCap(value.length);
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (value !== null && typeof value === 'object') {
      const source = value as Record<string, unknown>;
      if (
        source.type === 'base64' &&
        typeof source.media_type === 'string' &&
        source.media_type.startsWith('image/') &&
        typeof source.data === 'string'
      ) {
        excess += overCap(source.data.length);
        continue;
      }
      for (const key in source) pending.push(source[key]);
    }
  }
  return excess;
}

const overCap = (characters: number): number => Math.max(0, Math.ceil(characters / BYTES_PER_TOKEN) - IMAGE_TOKEN_CAP);

/**
 * The most the request can cost at the prices of the route's targets (a fallback may land on the dearest);
 * 0 when none has a price. The one place the budget reservation reads prices from.
 */
export function estimateCost(route: ModelRoute, tokens: TokenEstimate): number {
  const usage = { inputTokens: tokens.input, outputTokens: tokens.output, cachedTokens: 0, cacheWriteTokens: 0 };
  let most = 0;
  for (const target of route.targets) {
    const resolved = target.provider.prices.priceFor(target.model);
    if (resolved) most = Math.max(most, costOf(usage, resolved.price));
  }
  return most;
}
