/**
 * What the fake Anthropic upstream answers on POST /v1/messages, as data: the reply a test scripts, and the
 * non-streaming `Message` object built from it in the real wire format.
 */

import type { StopReason } from '@anthropic-ai/sdk/resources/messages';

/** The Messages API's stop reasons, as the official SDK types them. */
export type AnthropicStopReason = StopReason;

/** One content block of a scripted reply. */
export type AnthropicBlockSpec =
  | { type: 'text'; text: string }
  /** Streamed as thinking_delta pieces, then one signature_delta. */
  | { type: 'thinking'; thinking: string; signature: string }
  /** Streamed whole in its content_block_start, with no deltas. */
  | { type: 'redacted_thinking'; data: string }
  /** Streamed as input_json_delta pieces of JSON.stringify(input). */
  | { type: 'tool_use'; id?: string; name: string; input: Record<string, unknown> };

export interface AnthropicUsageSpec {
  input: number;
  output: number;
  cacheRead?: number;
  cacheCreation?: number;
}

export interface AnthropicReply {
  kind: 'reply';
  /** The content blocks in order. Default: one text block with `text`, or "Hello from <name>". */
  content?: AnthropicBlockSpec[];
  text?: string;
  /** Default: tool_use when a tool_use block is present, else end_turn. */
  stopReason?: AnthropicStopReason;
  /** The matched stop sequence; defaults to the request's first `stop_sequences` entry. */
  stopSequence?: string;
  usage?: AnthropicUsageSpec;
  /** Split text, thinking and tool input JSON into pieces of this many characters when streaming (default 4). */
  chunkSize?: number;
  /** Repeat the input and cache counts in message_delta (the API's newer cumulative form). Default: output only. */
  cumulativeDeltaUsage?: boolean;
  delayMs?: number;
  /** Delay between stream events. */
  chunkDelayMs?: number;
}

/** What the reply builders need from the request and the fake. */
export interface ReplyContext {
  model: string;
  name: string;
  stopSequences?: string[];
}

export const DEFAULT_USAGE: AnthropicUsageSpec = { input: 12, output: 6 };

export function blocksOf(reply: AnthropicReply, context: ReplyContext): AnthropicBlockSpec[] {
  return reply.content ?? [{ type: 'text', text: reply.text ?? `Hello from ${context.name}` }];
}

export function toolUseId(block: { id?: string }, index: number): string {
  return block.id ?? `toolu_fake_${String(index).padStart(2, '0')}`;
}

export function stopReasonOf(reply: AnthropicReply, blocks: AnthropicBlockSpec[]): AnthropicStopReason {
  return reply.stopReason ?? (blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
}

/** The fields message_delta and the final Message share: stop_reason, stop_sequence, stop_details. */
export function stopFields(reply: AnthropicReply, context: ReplyContext, blocks: AnthropicBlockSpec[]) {
  const stopReason = stopReasonOf(reply, blocks);
  const stopSequence =
    stopReason === 'stop_sequence' ? (reply.stopSequence ?? context.stopSequences?.[0] ?? '\n\nHuman:') : null;
  const stopDetails = stopReason === 'refusal' ? { type: 'refusal', category: null, explanation: null } : null;
  return { stop_reason: stopReason, stop_sequence: stopSequence, stop_details: stopDetails };
}

/** The full usage object (Message.usage, and message_start's with output_tokens as given). */
export function usageObject(usage: AnthropicUsageSpec, outputTokens: number) {
  const cacheCreation = usage.cacheCreation ?? 0;
  return {
    input_tokens: usage.input,
    cache_creation_input_tokens: cacheCreation,
    cache_read_input_tokens: usage.cacheRead ?? 0,
    cache_creation: { ephemeral_5m_input_tokens: cacheCreation, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

export function messageId(): string {
  return `msg_fake${Math.random().toString(36).slice(2, 14)}`;
}

function finalBlock(block: AnthropicBlockSpec, index: number): Record<string, unknown> {
  if (block.type === 'tool_use')
    return { type: 'tool_use', id: toolUseId(block, index), name: block.name, input: block.input };
  return { ...block };
}

/** The non-streaming `Message` object. */
export function messageOf(reply: AnthropicReply, context: ReplyContext) {
  const blocks = blocksOf(reply, context);
  const usage = reply.usage ?? DEFAULT_USAGE;
  return {
    id: messageId(),
    type: 'message',
    role: 'assistant',
    model: context.model,
    content: blocks.map(finalBlock),
    ...stopFields(reply, context, blocks),
    usage: usageObject(usage, usage.output),
  };
}
