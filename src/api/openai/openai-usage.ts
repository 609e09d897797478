import type { TokenUsage } from '../../telemetry/request-record.js';

interface OpenAIUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  input_tokens?: number;
  output_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | null;
  input_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
  output_tokens_details?: { reasoning_tokens?: number } | null;
  /** DeepSeek's name for the cached part of prompt_tokens. */
  prompt_cache_hit_tokens?: number;
}

/**
 * Maps an OpenAI `usage` object (Chat Completions, Embeddings or Responses naming) to our token counts. OpenAI
 * counts the way the gateway does: prompt/input tokens include the cached ones, completion/output tokens
 * include reasoning, so nothing is added or subtracted.
 */
export function fromOpenAIUsage(usage: OpenAIUsage | null | undefined): TokenUsage | null {
  if (!usage || typeof usage !== 'object') return null;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens ?? usage.output_tokens_details?.reasoning_tokens;
  const tokens: TokenUsage = {
    inputTokens: usage.prompt_tokens ?? usage.input_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? usage.output_tokens ?? 0,
    cachedTokens:
      usage.prompt_tokens_details?.cached_tokens ??
      usage.input_tokens_details?.cached_tokens ??
      usage.prompt_cache_hit_tokens ??
      0,
    cacheWriteTokens: usage.prompt_tokens_details?.cache_write_tokens ?? 0,
  };
  // Set only when reported (no spread of a throwaway object on every answer).
  if (typeof reasoning === 'number') tokens.reasoningTokens = reasoning;
  return tokens;
}

const USAGE_KEY = Buffer.from('"usage"');

/** End of the JSON object that starts at `start` (which must be "{"), or -1. Skips strings. */
function objectEnd(text: Buffer, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */) depth++;
    else if (c === 0x7d /* } */ && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * Finds the `"usage": {...}` object in a JSON document without parsing the whole document (an embeddings
 * response can be megabytes of floats). It searches from the end, where providers put usage.
 */
export function findUsageObject(json: Buffer): OpenAIUsage | undefined {
  let at = json.lastIndexOf(USAGE_KEY);
  while (at !== -1) {
    let i = at + USAGE_KEY.length;
    while (json[i] === 0x20 || json[i] === 0x0a || json[i] === 0x0d || json[i] === 0x09) i++;
    if (json[i] === 0x3a /* : */) {
      i++;
      while (json[i] === 0x20 || json[i] === 0x0a || json[i] === 0x0d || json[i] === 0x09) i++;
      if (json[i] === 0x7b) {
        const end = objectEnd(json, i);
        if (end === -1) return undefined;
        try {
          return JSON.parse(json.toString('utf8', i, end)) as OpenAIUsage;
        } catch {
          return undefined;
        }
      }
      if (json[i] === 0x6e /* null */) return undefined;
    }
    at = at === 0 ? -1 : json.lastIndexOf(USAGE_KEY, at - 1);
  }
  return undefined;
}
