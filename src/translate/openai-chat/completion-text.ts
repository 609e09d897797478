import type { EncodeContext } from '../contract.js';
import type { IrResponse, IrUsage } from '../ir/types.js';
import { chatCompletion } from './response-to-client.js';
import { finishReasonFor } from './stop-reason.js';
import type { ChatFinishReason } from './wire.js';

/**
 * The `chat.completion` body as JSON text, byte for byte what `JSON.stringify(chatCompletion(...))` writes, with
 * only its strings serialised: Node 20's V8 serialises an object through its slow path (a `toJSON` look-up per
 * object, each key escaped), and the answer's six objects were built only to be serialised. An answer holding
 * anything the types do not promise (a text that is no string, a count that is no finite number) goes through
 * the object, so the bytes stay JSON.stringify's whatever an upstream decoder let through.
 */
export function chatCompletionText(response: IrResponse, context: EncodeContext): string {
  if (!writable(response) || !Number.isFinite(context.createdAt))
    return JSON.stringify(chatCompletion(response, context));
  let texts: string | undefined;
  let thoughts: string | undefined;
  let calls = '';
  // Ids minted in the order chatCompletion mints them: the calls' first, then the answer's.
  for (const part of response.content) {
    if (part.type === 'text') texts = texts === undefined ? part.text : texts + part.text;
    else if (part.type === 'thinking') thoughts = thoughts === undefined ? part.text : thoughts + part.text;
    else if (part.type === 'tool_call') {
      const id = part.id || context.newId('call_');
      const call = `{"id":${quoted(id)},"type":"function","function":{"name":${quoted(part.name)},"arguments":${quoted(part.arguments)}}}`;
      calls = calls === '' ? call : `${calls},${call}`;
    }
  }
  const id = response.id || context.newId('chatcmpl-');
  const content = texts === undefined ? 'null' : quoted(texts);
  const toolCalls = calls === '' ? '' : `,"tool_calls":[${calls}]`;
  const reasoning = thoughts === undefined ? '' : `,"reasoning_content":${quoted(thoughts)}`;
  const finish = QUOTED_FINISH[finishReasonFor(response.stopReason)];
  return `{"id":${quoted(id)},"object":"chat.completion","created":${context.createdAt},"model":${quoted(response.model)},"choices":[{"index":0,"message":{"role":"assistant","content":${content},"refusal":null${toolCalls}${reasoning}},"logprobs":null,"finish_reason":${finish}}],"usage":${usageText(response.usage)}}`;
}

/** chatUsage's object as text. */
function usageText(usage: IrUsage): string {
  return `{"prompt_tokens":${usage.inputTokens},"completion_tokens":${usage.outputTokens},"total_tokens":${usage.inputTokens + usage.outputTokens},"prompt_tokens_details":{"cached_tokens":${usage.cacheReadTokens}},"completion_tokens_details":{"reasoning_tokens":${usage.reasoningTokens ?? 0}}}`;
}

const quoted: (text: string) => string = JSON.stringify;

/** The four finish reasons as JSON strings: one look-up, not a serialisation per answer. */
const QUOTED_FINISH: Readonly<Record<ChatFinishReason, string>> = {
  stop: '"stop"',
  length: '"length"',
  tool_calls: '"tool_calls"',
  content_filter: '"content_filter"',
};

/** Whether every value the text writes is of the type it is written as (else the object path decides). */
function writable(response: IrResponse): boolean {
  if (typeof response.id !== 'string' || typeof response.model !== 'string') return false;
  if (typeof finishReasonFor(response.stopReason) !== 'string') return false;
  const usage = response.usage;
  if (!counts(usage.inputTokens, usage.outputTokens, usage.cacheReadTokens, usage.reasoningTokens ?? 0)) return false;
  for (const part of response.content) {
    if ((part.type === 'text' || part.type === 'thinking') && typeof part.text !== 'string') return false;
    if (part.type === 'tool_call' && !callWritable(part.id, part.name, part.arguments)) return false;
  }
  return true;
}

function callWritable(id: unknown, name: unknown, args: unknown): boolean {
  return (typeof id === 'string' || !id) && typeof name === 'string' && typeof args === 'string';
}

/** Finite numbers (a sum is finite only when both are), written as JSON.stringify writes them. */
function counts(input: number, output: number, cached: number, reasoning: number): boolean {
  return Number.isFinite(input + output) && Number.isFinite(cached) && Number.isFinite(reasoning);
}
