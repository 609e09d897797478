import type { SseEvent } from '../../upstream/sse-parse.js';
import type { IrUsage } from '../ir/types.js';
import { isObject, type JsonObject } from './body-reader.js';
import type { AnthropicUsage } from './wire-types.js';

/**
 * Anthropic reports `input_tokens` EXCLUDING cache reads and writes, which it counts apart
 * (`cache_read_input_tokens`, `cache_creation_input_tokens`); the IR's `inputTokens` is the total. These
 * functions add on the way in and subtract on the way out. Stream usage is cumulative: `message_start` has
 * the input counts, `message_delta` the final output count and (in newer API versions) the input counts
 * again; a counter present in a later event replaces the earlier value and is never added to it, as the
 * official SDK's MessageStream does.
 */

const ZERO_USAGE: IrUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function thinkingTokens(usage: JsonObject): number | undefined {
  const details = usage.output_tokens_details;
  return isObject(details) ? count(details.thinking_tokens) : undefined;
}

/** Applies an Anthropic `usage` object on top of what is already known (cumulative counters replace). */
export function mergeAnthropicUsage(previous: IrUsage, usage: unknown): IrUsage {
  if (!isObject(usage)) return previous;
  const cacheRead = count(usage.cache_read_input_tokens) ?? previous.cacheReadTokens;
  const cacheWrite = count(usage.cache_creation_input_tokens) ?? previous.cacheWriteTokens;
  const uncachedBefore = previous.inputTokens - previous.cacheReadTokens - previous.cacheWriteTokens;
  const uncached = count(usage.input_tokens) ?? uncachedBefore;
  const reasoning = thinkingTokens(usage) ?? previous.reasoningTokens;
  return {
    inputTokens: uncached + cacheRead + cacheWrite,
    outputTokens: count(usage.output_tokens) ?? previous.outputTokens,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    ...(reasoning === undefined ? {} : { reasoningTokens: reasoning }),
  };
}

/** IR usage from an Anthropic `usage` object. */
export function usageFromAnthropic(usage: unknown): IrUsage {
  return mergeAnthropicUsage(ZERO_USAGE, usage);
}

/** Anthropic `usage` for an IR usage: `input_tokens` without the cache counts. */
export function usageToAnthropic(usage: Partial<IrUsage>): AnthropicUsage {
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const total = usage.inputTokens ?? 0;
  return {
    input_tokens: Math.max(0, total - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    output_tokens: usage.outputTokens ?? 0,
  };
}

/** Usage of a complete Messages response body (a Message JSON), or undefined when it has none. */
export function usageFromAnthropicMessage(message: unknown): IrUsage | undefined {
  return isObject(message) && isObject(message.usage) ? usageFromAnthropic(message.usage) : undefined;
}

function eventType(event: SseEvent): string | undefined {
  if (event.event) return event.event;
  if (event.data.includes('"message_start"')) return 'message_start';
  if (event.data.includes('"message_delta"')) return 'message_delta';
  return undefined;
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/**
 * For same-dialect passthrough telemetry: the usage known after this upstream event, given what was known
 * before it, or undefined when the event carries no usage. Only `message_start` and `message_delta` are
 * parsed, so watching a stream costs one JSON.parse per message, not per delta.
 */
export function usageFromAnthropicEvent(event: SseEvent, previous: IrUsage = ZERO_USAGE): IrUsage | undefined {
  const type = eventType(event);
  if (type !== 'message_start' && type !== 'message_delta') return undefined;
  const data = parse(event.data);
  if (!isObject(data) || data.type !== type) return undefined;
  const usage = type === 'message_start' && isObject(data.message) ? data.message.usage : data.usage;
  return isObject(usage) ? mergeAnthropicUsage(previous, usage) : undefined;
}
