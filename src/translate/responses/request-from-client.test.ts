import { describe, expect, it } from 'vitest';
import type { IrRequest } from '../ir/types.js';
import { envelopeForRedactedThinking, envelopeForThinking } from './reasoning-envelope.js';
import { parseResponsesRequest } from './request-from-client.js';

const PNG_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const PDF_BASE64 = 'JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K';

const WEATHER_TOOL = {
  type: 'function',
  name: 'get_weather',
  description: 'Get current temperature for provided coordinates in celsius.',
  parameters: {
    type: 'object',
    properties: { latitude: { type: 'number' }, longitude: { type: 'number' } },
    required: ['latitude', 'longitude'],
    additionalProperties: false,
  },
  strict: true,
};

describe('parsing a Responses request', () => {
  it('reads a string input as one user message and instructions as the system prompt', () => {
    const request = parseResponsesRequest({
      model: 'gpt-4.1',
      instructions: 'You are a helpful assistant.',
      input: 'Tell me a three sentence bedtime story about a unicorn.',
    });
    expect(request).toEqual<IrRequest>({
      model: 'gpt-4.1',
      system: [{ type: 'text', text: 'You are a helpful assistant.' }],
      messages: [
        {
          role: 'user',
          content: [{ type: 'text', text: 'Tell me a three sentence bedtime story about a unicorn.' }],
          path: 'input',
        },
      ],
      tools: [],
      stopSequences: [],
      stream: false,
    });
  });

  it('reads message items with or without a type, every content part, and hoists system and developer text', () => {
    const request = parseResponsesRequest({
      model: 'gpt-4.1',
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Answer in French.' },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is in these?' },
            { type: 'input_image', image_url: 'https://example.com/cat.jpg', detail: 'low' },
            { type: 'input_image', image_url: PNG_DATA_URL, detail: 'auto' },
            { type: 'input_file', filename: 'report.pdf', file_data: `data:application/pdf;base64,${PDF_BASE64}` },
            { type: 'input_file', filename: 'notes.pdf', file_data: PDF_BASE64 },
          ],
        },
        { role: 'assistant', content: [{ type: 'output_text', text: 'Un chat.', annotations: [] }] },
        { role: 'system', content: [{ type: 'input_text', text: 'Stay polite.' }] },
        { role: 'user', content: 'Merci' },
      ],
    });
    expect(request.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Answer in French.' },
      { type: 'text', text: 'Stay polite.' },
    ]);
    expect(request.messages).toEqual([
      {
        role: 'user',
        path: 'input[1]',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.jpg' }, detail: 'low' },
          {
            type: 'image',
            source: { kind: 'base64', mediaType: 'image/png', data: PNG_DATA_URL.split(',')[1] },
            detail: 'auto',
          },
          {
            type: 'document',
            source: { kind: 'base64', mediaType: 'application/pdf', data: PDF_BASE64 },
            title: 'report.pdf',
          },
          {
            type: 'document',
            source: { kind: 'base64', mediaType: 'application/pdf', data: PDF_BASE64 },
            title: 'notes.pdf',
          },
        ],
      },
      { role: 'assistant', path: 'input[2]', content: [{ type: 'text', text: 'Un chat.' }] },
      { role: 'user', path: 'input[4]', content: [{ type: 'text', text: 'Merci' }] },
    ]);
  });

  it('groups a parallel tool-call round trip into one assistant message and one user message of results', () => {
    const request = parseResponsesRequest({
      model: 'gpt-4.1',
      tools: [WEATHER_TOOL],
      input: [
        { role: 'user', content: "What's the weather like in Paris and Bogotá today?" },
        {
          type: 'reasoning',
          id: 'rs_1',
          summary: [{ type: 'summary_text', text: 'Two cities, two calls.' }],
          encrypted_content: envelopeForThinking('Two cities, two calls.', 'sig-abc'),
        },
        {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: 'Checking both.', annotations: [], logprobs: [] }],
        },
        {
          type: 'function_call',
          id: 'fc_1',
          call_id: 'call_paris',
          name: 'get_weather',
          arguments: '{"latitude":48.8566,"longitude":2.3522}',
          status: 'completed',
        },
        {
          type: 'function_call',
          id: 'fc_2',
          call_id: 'call_bogota',
          name: 'get_weather',
          arguments: '{"latitude":4.711,"longitude":-74.0721}',
        },
        { type: 'function_call_output', call_id: 'call_paris', output: '14' },
        {
          type: 'function_call_output',
          call_id: 'call_bogota',
          output: [
            { type: 'input_text', text: '19' },
            { type: 'input_image', image_url: 'https://example.com/bogota.png' },
          ],
        },
        { role: 'user', content: 'And tomorrow?' },
      ],
    });
    expect(request.messages).toEqual([
      {
        role: 'user',
        path: 'input[0]',
        content: [{ type: 'text', text: "What's the weather like in Paris and Bogotá today?" }],
      },
      {
        role: 'assistant',
        path: 'input[1]',
        content: [
          { type: 'thinking', text: 'Two cities, two calls.', signature: 'sig-abc' },
          { type: 'text', text: 'Checking both.' },
          {
            type: 'tool_call',
            id: 'call_paris',
            name: 'get_weather',
            arguments: '{"latitude":48.8566,"longitude":2.3522}',
            path: 'input[3].arguments',
          },
          {
            type: 'tool_call',
            id: 'call_bogota',
            name: 'get_weather',
            arguments: '{"latitude":4.711,"longitude":-74.0721}',
            path: 'input[4].arguments',
          },
        ],
      },
      {
        role: 'user',
        path: 'input[5]',
        content: [
          {
            type: 'tool_result',
            toolCallId: 'call_paris',
            content: [{ type: 'text', text: '14' }],
            path: 'input[5].output',
          },
          {
            type: 'tool_result',
            toolCallId: 'call_bogota',
            path: 'input[6].output',
            content: [
              { type: 'text', text: '19' },
              { type: 'image', source: { kind: 'url', url: 'https://example.com/bogota.png' } },
            ],
          },
        ],
      },
      { role: 'user', path: 'input[7]', content: [{ type: 'text', text: 'And tomorrow?' }] },
    ]);
  });

  it('brings back redacted thinking and leaves out reasoning it cannot verify', () => {
    const request = parseResponsesRequest({
      model: 'claude-sonnet',
      input: [
        { role: 'user', content: 'Hi' },
        { type: 'reasoning', id: 'rs_a', summary: [], encrypted_content: 'gAAAAABopenai-encrypted' },
        { type: 'reasoning', id: 'rs_b', summary: [{ type: 'summary_text', text: 'only a summary' }] },
        { type: 'reasoning', id: 'rs_c', summary: [], encrypted_content: envelopeForRedactedThinking('REDACTED') },
        { role: 'assistant', content: 'Hello!' },
        { type: 'reasoning', id: 'rs_d', summary: [], encrypted_content: 'gAAAAABforeign' },
        { role: 'user', content: 'Bye' },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'user', path: 'input[0]', content: [{ type: 'text', text: 'Hi' }] },
      {
        role: 'assistant',
        path: 'input[1]',
        content: [
          { type: 'redacted_thinking', data: 'REDACTED' },
          { type: 'text', text: 'Hello!' },
        ],
      },
      { role: 'user', path: 'input[6]', content: [{ type: 'text', text: 'Bye' }] },
    ]);
  });

  it('reads tools, tool choice and the sampling parameters', () => {
    const request = parseResponsesRequest({
      model: 'gpt-4.1',
      input: 'hi',
      tools: [WEATHER_TOOL, { type: 'function', name: 'ping', parameters: null }],
      tool_choice: { type: 'function', name: 'get_weather' },
      parallel_tool_calls: false,
      max_output_tokens: 512,
      temperature: 0.2,
      top_p: 0.9,
      stream: true,
    });
    expect(request.tools).toEqual([
      {
        name: 'get_weather',
        description: WEATHER_TOOL.description,
        parameters: WEATHER_TOOL.parameters,
        strict: true,
      },
      { name: 'ping', parameters: { type: 'object', properties: {} } },
    ]);
    expect(request).toMatchObject({
      toolChoice: { type: 'tool', name: 'get_weather' },
      parallelToolCalls: false,
      maxTokens: 512,
      temperature: 0.2,
      topP: 0.9,
      stream: true,
    });
    for (const choice of ['none', 'auto', 'required'] as const) {
      expect(parseResponsesRequest({ model: 'm', input: 'x', tool_choice: choice }).toolChoice).toEqual({
        type: choice,
      });
    }
  });

  it('reads text.format as the response format', () => {
    const schema = {
      type: 'object',
      properties: { name: { type: 'string' }, date: { type: 'string' } },
      required: ['name', 'date'],
      additionalProperties: false,
    };
    const jsonSchema = parseResponsesRequest({
      model: 'm',
      input: 'x',
      text: { format: { type: 'json_schema', name: 'calendar_event', schema, strict: true, description: 'An event' } },
    });
    expect(jsonSchema.responseFormat).toEqual({
      type: 'json_schema',
      name: 'calendar_event',
      schema,
      strict: true,
      description: 'An event',
    });
    const jsonObject = parseResponsesRequest({ model: 'm', input: 'x', text: { format: { type: 'json_object' } } });
    expect(jsonObject.responseFormat).toEqual({ type: 'json_object' });
    const plain = parseResponsesRequest({
      model: 'm',
      input: 'x',
      text: { format: { type: 'text' }, verbosity: 'medium' },
    });
    expect(plain.responseFormat).toEqual({ type: 'text' });
  });

  it('reads reasoning effort and summary, and effort none as no reasoning', () => {
    expect(
      parseResponsesRequest({ model: 'o4-mini', input: 'x', reasoning: { effort: 'high', summary: 'auto' } }).reasoning,
    ).toEqual({ effort: 'high', summary: 'auto' });
    expect(
      parseResponsesRequest({ model: 'o4-mini', input: 'x', reasoning: { generate_summary: 'concise' } }).reasoning,
    ).toEqual({ summary: 'concise' });
    expect(parseResponsesRequest({ model: 'o4-mini', input: 'x', reasoning: { effort: 'none' } }).reasoning).toEqual({
      effort: 'none',
    });
  });

  it('accepts the hints and default values it drops, and takes safety_identifier as the user', () => {
    const request = parseResponsesRequest({
      model: 'gpt-4.1',
      input: 'x',
      store: true,
      include: ['reasoning.encrypted_content'],
      metadata: { ticket: 'T-1' },
      truncation: 'disabled',
      background: false,
      top_logprobs: 0,
      service_tier: 'auto',
      prompt_cache_key: 'k',
      prompt_cache_retention: '24h',
      stream_options: { include_obfuscation: false },
      previous_response_id: null,
      conversation: null,
      user: 'legacy-user',
      safety_identifier: 'user-123',
    });
    expect(request.user).toBe('user-123');
    expect(parseResponsesRequest({ model: 'm', input: 'x', user: 'legacy-user' }).user).toBe('legacy-user');
  });
});
