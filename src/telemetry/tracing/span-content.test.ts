import { describe, expect, it } from 'vitest';
import { inputContent, outputContent, truncateUtf8 } from './span-content.js';

const sse = (events: object[]) => events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('');
const output = (attributes: Record<string, unknown>) => JSON.parse(String(attributes['gen_ai.output.messages']));

describe('span content', () => {
  it('takes an Anthropic request’s messages and system, and a Responses request’s input and instructions', () => {
    expect(inputContent('messages', { system: 'sys', messages: [{ role: 'user', content: 'hi' }] }, 1000)).toEqual({
      'gen_ai.input.messages': '[{"role":"user","content":"hi"}]',
      'gen_ai.system_instructions': 'sys',
    });
    expect(inputContent('responses', { input: 'hello', instructions: 'be kind' }, 1000)).toEqual({
      'gen_ai.input.messages': 'hello',
      'gen_ai.system_instructions': 'be kind',
    });
  });

  it('rebuilds an Anthropic stream: text, thinking and a tool call whose input arrived in pieces', () => {
    const stream = sse([
      { type: 'message_start', message: { content: [] } },
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hel' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'lo' } },
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'tu_1', name: 'f', input: {} } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"a":' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '1}' } },
      { type: 'message_delta', delta: { stop_reason: 'tool_use' } },
      { type: 'message_stop' },
    ]);
    expect(output(outputContent('messages', stream, true, 10_000))).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'hmm' },
          { type: 'text', content: 'Hello' },
          { type: 'tool_call', id: 'tu_1', name: 'f', arguments: { a: 1 } },
        ],
        finish_reason: 'tool_use',
      },
    ]);
  });

  it('takes a Responses stream’s completed response', () => {
    const response = {
      status: 'completed',
      output: [
        { type: 'message', content: [{ type: 'output_text', text: 'done' }] },
        { type: 'function_call', call_id: 'c1', name: 'g', arguments: '{}' },
      ],
    };
    const stream = sse([
      { type: 'response.created', response: { ...response, output: [] } },
      { type: 'response.completed', response },
    ]);
    expect(output(outputContent('responses', stream, true, 10_000))).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'done' },
          { type: 'tool_call', id: 'c1', name: 'g', arguments: '{}' },
        ],
        finish_reason: 'completed',
      },
    ]);
  });

  it('adds nothing for an answer it cannot read', () => {
    expect(outputContent('chat.completions', '{"choices": [', false, 1000)).toEqual({});
  });

  it('cuts on a character boundary within the byte limit', () => {
    const cut = truncateUtf8('é'.repeat(100), 40);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(40);
    expect(cut).toMatch(/^é+…\[truncated\]$/);
    expect(truncateUtf8('short', 40)).toBe('short');
  });
});
