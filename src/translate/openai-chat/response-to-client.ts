import type { EncodeContext } from '../contract.js';
import type { IrResponse } from '../ir/types.js';
import { finishReasonFor } from './stop-reason.js';
import { chatUsage } from './usage.js';
import type { ChatCompletion, ChatResponseMessage, ChatToolCall } from './wire.js';

/**
 * IR response -> `chat.completion`. Text parts are concatenated (Anthropic splits cited text into several
 * blocks); thinking goes to `reasoning_content`, as DeepSeek and vLLM return it. Redacted thinking has no
 * readable form and thinking signatures have no place in Chat, so both are left out. The upstream's message
 * and tool call ids are kept.
 */
export function chatCompletion(response: IrResponse, context: EncodeContext): ChatCompletion {
  const texts: string[] = [];
  const thoughts: string[] = [];
  const calls: ChatToolCall[] = [];
  for (const part of response.content) {
    if (part.type === 'text') texts.push(part.text);
    else if (part.type === 'thinking') thoughts.push(part.text);
    else if (part.type === 'tool_call') {
      const id = part.id || context.newId('call_');
      calls.push({ id, type: 'function', function: { name: part.name, arguments: part.arguments } });
    }
  }
  const message: ChatResponseMessage = {
    role: 'assistant',
    content: texts.length > 0 ? texts.join('') : null,
    refusal: null,
    ...(calls.length > 0 ? { tool_calls: calls } : {}),
    ...(thoughts.length > 0 ? { reasoning_content: thoughts.join('') } : {}),
  };
  return {
    id: response.id || context.newId('chatcmpl-'),
    object: 'chat.completion',
    created: context.createdAt,
    model: response.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReasonFor(response.stopReason) }],
    usage: chatUsage(response.usage),
  };
}
