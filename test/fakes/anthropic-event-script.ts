import {
  type AnthropicBlockSpec,
  type AnthropicReply,
  type AnthropicUsageSpec,
  blocksOf,
  DEFAULT_USAGE,
  messageId,
  type ReplyContext,
  stopFields,
  toolUseId,
  usageObject,
} from './anthropic-replies.js';
import { split } from './fake-server.js';
import type { SseFrame } from './sse-playback.js';

/**
 * The event sequence of a streamed Messages reply, as the API sends it: message_start (empty content, input and
 * cache counts, output_tokens 1), per block content_block_start / content_block_delta... / content_block_stop,
 * a ping after the first block opens and between blocks, message_delta (stop reason, final output_tokens), and
 * message_stop. Every frame carries an `event:` name equal to its data's `type`.
 */
export function eventScript(reply: AnthropicReply, context: ReplyContext): SseFrame[] {
  const blocks = blocksOf(reply, context);
  const usage = reply.usage ?? DEFAULT_USAGE;
  const size = reply.chunkSize ?? 4;
  const start = {
    id: messageId(),
    type: 'message',
    role: 'assistant',
    model: context.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    stop_details: null,
    usage: usageObject(usage, 1),
  };
  const frames: SseFrame[] = [frame('message_start', { message: start })];
  blocks.forEach((block, index) => {
    if (index > 0) frames.push(frame('ping', {}));
    frames.push(frame('content_block_start', { index, content_block: blockShell(block, index) }));
    if (index === 0) frames.push(frame('ping', {}));
    for (const delta of blockDeltas(block, size)) frames.push(frame('content_block_delta', { index, delta }));
    frames.push(frame('content_block_stop', { index }));
  });
  const finalUsage = deltaUsage(usage, reply.cumulativeDeltaUsage === true);
  frames.push(frame('message_delta', { delta: stopFields(reply, context, blocks), usage: finalUsage }));
  frames.push(frame('message_stop', {}));
  return frames;
}

function deltaUsage(usage: AnthropicUsageSpec, cumulative: boolean): Record<string, number> {
  if (!cumulative) return { output_tokens: usage.output };
  return {
    input_tokens: usage.input,
    cache_creation_input_tokens: usage.cacheCreation ?? 0,
    cache_read_input_tokens: usage.cacheRead ?? 0,
    output_tokens: usage.output,
  };
}

function frame(type: string, fields: Record<string, unknown>): SseFrame {
  return { event: type, data: { type, ...fields } };
}

/** The block as content_block_start announces it: empty text/thinking, tool_use with `input: {}`. */
function blockShell(block: AnthropicBlockSpec, index: number): Record<string, unknown> {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: '' };
    case 'thinking':
      return { type: 'thinking', thinking: '', signature: '' };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: block.data };
    case 'tool_use':
      return { type: 'tool_use', id: toolUseId(block, index), name: block.name, input: {} };
  }
}

function blockDeltas(block: AnthropicBlockSpec, size: number): Record<string, unknown>[] {
  switch (block.type) {
    case 'text':
      return split(block.text, size).map((text) => ({ type: 'text_delta', text }));
    case 'thinking':
      return [
        ...split(block.thinking, size).map((thinking) => ({ type: 'thinking_delta', thinking })),
        { type: 'signature_delta', signature: block.signature },
      ];
    case 'redacted_thinking':
      return [];
    case 'tool_use': {
      // The API opens every tool input with an empty partial_json before the real pieces; a tool called
      // without arguments gets that empty piece only.
      const json = JSON.stringify(block.input);
      const pieces = json === '{}' ? [''] : ['', ...split(json, size)];
      return pieces.map((partial_json) => ({ type: 'input_json_delta', partial_json }));
    }
  }
}
