import type { IrUsage } from '../ir/types.js';
import { isObject, type JsonObject } from './field-readers.js';
import type { ChatUsage } from './wire.js';

/**
 * Chat usage <-> IR usage. Both count input the OpenAI way (`prompt_tokens` includes cached tokens), so no
 * arithmetic is needed. Reading also accepts DeepSeek's `prompt_cache_hit_tokens` and OpenRouter's
 * `prompt_tokens_details.cache_write_tokens`; writing has no standard place for cache writes, which stay
 * inside `prompt_tokens`.
 */

function count(object: JsonObject | undefined, key: string): number | undefined {
  const value = object?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function details(object: JsonObject, key: string): JsonObject | undefined {
  const value = object[key];
  return isObject(value) ? value : undefined;
}

/** The IR usage of an upstream `usage` object, or undefined when there is none (absent or null). */
export function usageFromChat(raw: unknown): IrUsage | undefined {
  if (!isObject(raw)) return undefined;
  const prompt = details(raw, 'prompt_tokens_details');
  const completion = details(raw, 'completion_tokens_details');
  const reasoningTokens = count(completion, 'reasoning_tokens');
  return {
    inputTokens: count(raw, 'prompt_tokens') ?? 0,
    outputTokens: count(raw, 'completion_tokens') ?? 0,
    cacheReadTokens: count(prompt, 'cached_tokens') ?? count(raw, 'prompt_cache_hit_tokens') ?? 0,
    cacheWriteTokens: count(prompt, 'cache_write_tokens') ?? 0,
    ...(reasoningTokens === undefined ? {} : { reasoningTokens }),
  };
}

/** What an upstream that reported no usage gets counted as. */
export function zeroUsage(): IrUsage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
}

export function chatUsage(usage: IrUsage): ChatUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
  };
}
