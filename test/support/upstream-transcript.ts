import type { FakeAnthropic } from '../fakes/fake-anthropic.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';

type Json = Record<string, any>;

/**
 * The conversation the last model call of a fake upstream received, one line per turn element, the same for
 * both dialects: `user:<text>`, `assistant:<text>` or `assistant:call(<id>)`, and `result(<id>):<text>` for a
 * tool result (a Chat `tool` message or an Anthropic `tool_result` block). System prompts are left out.
 */
export function transcriptOf(fake: FakeOpenAI | FakeAnthropic): string[] {
  const path = fake instanceof FakeOpenAI ? '/v1/chat/completions' : '/v1/messages';
  const requests = fake.requestsTo(path);
  const last = requests[requests.length - 1];
  if (!last) throw new Error(`the fake received no request on ${path}`);
  const messages = (last.body as Json).messages as Json[];
  return messages.filter((m) => m.role !== 'system').flatMap(linesOf);
}

function linesOf(message: Json): string[] {
  if (message.role === 'tool') return [`result(${message.tool_call_id}):${textOf(message.content)}`];
  const lines: string[] = [];
  if (message.tool_calls) {
    const text = textOf(message.content);
    if (text) lines.push(`${message.role}:${text}`);
    for (const call of message.tool_calls as Json[]) lines.push(`${message.role}:call(${call.id})`);
    return lines;
  }
  if (typeof message.content === 'string') return [`${message.role}:${message.content}`];
  for (const block of message.content as Json[]) {
    if (block.type === 'text') lines.push(`${message.role}:${block.text}`);
    else if (block.type === 'tool_use') lines.push(`${message.role}:call(${block.id})`);
    else if (block.type === 'tool_result') lines.push(`result(${block.tool_use_id}):${textOf(block.content)}`);
    else lines.push(`${message.role}:${block.type}`);
  }
  return lines;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: Json) => (part.type === 'text' ? part.text : `[${part.type}]`)).join('');
}
