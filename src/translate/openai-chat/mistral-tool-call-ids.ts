import { createHash } from 'node:crypto';
import type { ChatMessage } from './wire.js';

/**
 * Mistral's API, and vLLM serving Mistral models, refuse a tool call id that is not exactly 9 letters and
 * digits, so a conversation whose calls another provider named (Anthropic's `toolu_01…`, OpenAI's `call_…`)
 * cannot continue there. Such ids are replaced by 9 characters of their SHA-256: the same id always gives the
 * same replacement, so a call and its result still pair up, and an id Mistral issued is kept as it is.
 */

const MISTRAL_ID = /^[a-zA-Z0-9]{9}$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function mistralToolCallId(id: string): string {
  if (MISTRAL_ID.test(id)) return id;
  const digest = createHash('sha256').update(id).digest();
  let out = '';
  for (let i = 0; i < 9; i++) out += ALPHABET[(digest[i] as number) % ALPHABET.length];
  return out;
}

/** Rewrites the ids of assistant tool calls and tool results in place. */
export function useMistralToolCallIds(messages: ChatMessage[]): void {
  for (const message of messages) {
    if (message.role === 'tool') message.tool_call_id = mistralToolCallId(message.tool_call_id);
    else if (message.role === 'assistant' && message.tool_calls) {
      for (const call of message.tool_calls) call.id = mistralToolCallId(call.id);
    }
  }
}
