import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSseEvents } from '../../upstream/sse-parse.js';
import type { EncodeContext } from '../contract.js';
import { openaiChatClientCodec, openaiChatUpstreamCodec } from './codec.js';

const context: EncodeContext = { clientRequest: {}, createdAt: 1_700_000_000, newId: (prefix) => `${prefix}x` };
const options = { defaultMaxTokens: 1024, maxTokensField: 'max_completion_tokens' as const, streamUsage: true };

describe('the OpenAI Chat codecs', () => {
  it("name IR fields the way a Chat client spells them, so a builder's rejection points at the client's field", () => {
    const field = openaiChatClientCodec.clientField;
    expect(field('responseFormat')).toBe('response_format');
    expect(field('topK')).toBe('top_k');
    expect(field('maxTokens')).toBe('max_completion_tokens');
    expect(field('toolChoice')).toBe('tool_choice');
    expect(field('messages[3]')).toBe('messages[3]');
  });

  it('name the output limit as the client spelled it, max_tokens or max_completion_tokens', () => {
    const field = openaiChatClientCodec.clientField;
    expect(field('maxTokens', { model: 'm', max_tokens: 100 })).toBe('max_tokens');
    expect(field('maxTokens', { model: 'm', max_completion_tokens: 100 })).toBe('max_completion_tokens');
    expect(field('maxTokens', { model: 'm', max_tokens: 100, max_completion_tokens: 100 })).toBe(
      'max_completion_tokens',
    );
  });

  it('keep the meaning of a Chat request taken through the IR and rebuilt for a Chat upstream', () => {
    const client = {
      model: 'alias',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBO', detail: 'low' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      tool_choice: 'auto',
      max_completion_tokens: 100,
      temperature: 0.3,
      stop: ['\n\n'],
      stream: true,
      response_format: { type: 'json_object' },
      reasoning_effort: 'low',
      user: 'u-1',
    };
    const ir = openaiChatClientCodec.parseRequest(client);
    const rebuilt = openaiChatUpstreamCodec.buildRequest(ir, 'upstream-model', options);
    expect(rebuilt).toEqual({
      ...client,
      model: 'upstream-model',
      stream_options: { include_usage: true },
    });
  });

  it('re-encode a decoded upstream stream into the same text, calls and usage for a Chat client', () => {
    const decoder = openaiChatUpstreamCodec.streamDecoder('gpt-4o');
    const encoder = openaiChatClientCodec.streamEncoder({
      ...context,
      clientRequest: { stream_options: { include_usage: true } },
    });
    const source = readFileSync(new URL('./fixtures/openai-parallel-tools.sse', import.meta.url), 'utf8');
    let output = '';
    for (const event of parseSseEvents(source)) {
      for (const irEvent of decoder.decode(event)) output += encoder.encode(irEvent);
    }
    for (const irEvent of decoder.end()) output += encoder.encode(irEvent);

    const chunks = parseSseEvents(output).map((event) => event.data);
    expect(chunks.at(-1)).toBe('[DONE]');
    const parsed = chunks.slice(0, -1).map((data) => JSON.parse(data));
    const calls = new Map<number, { id?: string; name?: string; args: string }>();
    for (const chunk of parsed) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        const entry = calls.get(call.index) ?? { args: '' };
        calls.set(call.index, {
          id: call.id ?? entry.id,
          name: call.function.name ?? entry.name,
          args: entry.args + call.function.arguments,
        });
      }
    }
    expect([...calls.values()]).toEqual([
      { id: 'call_PieqNSej6kM9hgYbcQdbZSaC', name: 'get_weather', args: '{"location": "Paris, France"}' },
      { id: 'call_Kx2lsE0f3bQvOBu9ra7rYrXc', name: 'get_weather', args: '{"location": "Rome, Italy"}' },
    ]);
    expect(parsed.at(-2).choices[0].finish_reason).toBe('tool_calls');
    expect(parsed.at(-1).usage).toMatchObject({ prompt_tokens: 82, completion_tokens: 51, total_tokens: 133 });
  });

  it('decode an upstream completion and re-encode it for a Chat client', () => {
    const upstream = {
      id: 'chatcmpl-9',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'length' }],
      usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
    };
    const encoded = openaiChatClientCodec.encodeResponse(
      openaiChatUpstreamCodec.decodeResponse(upstream, 'gpt-4o'),
      context,
    );
    expect(encoded).toMatchObject({
      id: 'chatcmpl-9',
      model: 'gpt-4o',
      choices: [{ message: { content: 'Hi' }, finish_reason: 'length' }],
      usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
    });
  });
});
