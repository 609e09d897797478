import type { EncodeContext } from '../contract.js';
import type { IrResponse } from '../ir/types.js';
import { stopReasonToAnthropic } from './stop-reason.js';
import { anthropicToolId } from './tool-id.js';
import { inputFromArguments } from './tool-input.js';
import { usageToAnthropic } from './usage.js';
import type { AnthropicMessage, AnthropicResponseBlock } from './wire-types.js';

/**
 * Encodes an IR response as an Anthropic `Message`. The upstream's message id passes through (a fresh
 * `msg_` id when it has none); thinking without a signature (from OpenAI-compatible models) gets an empty
 * signature, which the Messages schema requires and which the gateway leaves out when the client sends the
 * turn back. A tool call without an id (some OpenAI-compatible servers omit it) gets a fresh `toolu_` id, and
 * one Anthropic's id pattern refuses is rewritten (tool-id.ts), so the client can replay it to Anthropic.
 */

function toBlock(part: IrResponse['content'][number], context: EncodeContext): AnthropicResponseBlock {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'thinking':
      return { type: 'thinking', thinking: part.text, signature: part.signature ?? '' };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: part.data };
    case 'tool_call':
      return {
        type: 'tool_use',
        id: part.id ? anthropicToolId(part.id) : context.newId('toolu_'),
        name: part.name,
        input: inputFromArguments(part.arguments),
      };
  }
}

export function encodeAnthropicResponse(response: IrResponse, context: EncodeContext): AnthropicMessage {
  return {
    id: response.id || context.newId('msg_'),
    type: 'message',
    role: 'assistant',
    model: response.model,
    content: response.content.map((part) => toBlock(part, context)),
    stop_reason: stopReasonToAnthropic(response.stopReason),
    stop_sequence: response.stopSequence ?? null,
    usage: usageToAnthropic(response.usage),
  };
}
