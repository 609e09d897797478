import { describe, expect, it } from 'vitest';
import type { IrRequest } from '../ir/types.js';
import { HintReport } from '../shared/hint-report.js';
import { buildGeminiRequest } from './request-to-upstream.js';
import { geminiToolCallId, signatureOfToolCallId } from './tool-call-id.js';

const OPTIONS = { defaultMaxTokens: 4096, maxTokensField: 'max_tokens' as const, streamUsage: true };

function request(overrides: Partial<IrRequest>): IrRequest {
  return { model: 'm', system: [], messages: [], tools: [], stopSequences: [], stream: false, ...overrides };
}

describe('buildGeminiRequest', () => {
  it('carries a thought signature from the tool call id back onto the function call, and names the response', () => {
    const id = geminiToolCallId('call_r1_0', 'CiQB+sig/with==');
    expect(signatureOfToolCallId(id)).toBe('CiQB+sig/with==');
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    const built = buildGeminiRequest(
      request({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
          {
            role: 'assistant',
            content: [{ type: 'tool_call', id, name: 'get_weather', arguments: '{"city":"Paris"}' }],
          },
          {
            role: 'user',
            content: [{ type: 'tool_result', toolCallId: id, content: [{ type: 'text', text: 'sunny' }] }],
          },
        ],
      }),
      'gemini-3-pro',
      OPTIONS,
    );
    expect(built.contents).toEqual([
      { role: 'user', parts: [{ text: 'weather?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'CiQB+sig/with==' },
        ],
      },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { result: 'sunny' } } }] },
    ]);
  });

  it("sends a JPEG labelled with the common 'image/jpg' as image/jpeg", () => {
    const built = buildGeminiRequest(
      request({
        messages: [
          {
            role: 'user',
            content: [{ type: 'image', source: { kind: 'base64', mediaType: 'image/jpg', data: '/9j/' } }],
          },
        ],
      }),
      'gemini-2.5-flash',
      OPTIONS,
    );
    expect(built.contents).toEqual([
      { role: 'user', parts: [{ inlineData: { mimeType: 'image/jpeg', data: '/9j/' } }] },
    ]);
  });

  it('sends the results of parallel calls of one tool in the order of the calls, their text blocks apart', () => {
    const result = (id: string, text: string) => ({
      type: 'tool_result' as const,
      toolCallId: id,
      content: [{ type: 'text' as const, text }],
    });
    const built = buildGeminiRequest(
      request({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'run both' }] },
          {
            role: 'assistant',
            content: [
              { type: 'tool_call', id: 'c1', name: 'Bash', arguments: '{"command":"sleep 1; echo one"}' },
              { type: 'tool_call', id: 'c2', name: 'Bash', arguments: '{"command":"echo two"}' },
              { type: 'tool_call', id: 'c3', name: 'Read', arguments: '{"file_path":"/a"}' },
            ],
          },
          { role: 'system', content: [{ type: 'text', text: 'Both commands finished.' }] },
          {
            role: 'user',
            content: [
              result('c2', 'two'),
              {
                type: 'tool_result',
                toolCallId: 'c3',
                content: [
                  { type: 'text', text: 'a' },
                  { type: 'text', text: 'b' },
                ],
              },
              result('c1', 'one'),
              { type: 'text', text: 'go on' },
            ],
          },
        ],
      }),
      'gemini-2.5-pro',
      OPTIONS,
    );
    expect(built.contents[2]?.parts).toEqual([
      { functionResponse: { name: 'Bash', response: { result: 'one' } } },
      { functionResponse: { name: 'Bash', response: { result: 'two' } } },
      { functionResponse: { name: 'Read', response: { result: 'a\n\nb' } } },
      { text: 'go on' },
    ]);
  });

  it("puts a tool result's images after the turn's function responses, as inline data", () => {
    const png = { kind: 'base64' as const, mediaType: 'image/png', data: 'iVBORw0KGgo=' };
    const built = buildGeminiRequest(
      request({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'look at both' }] },
          {
            role: 'assistant',
            content: [
              { type: 'tool_call', id: 'c1', name: 'Read', arguments: '{"file_path":"/a.png"}' },
              { type: 'tool_call', id: 'c2', name: 'Read', arguments: '{"file_path":"/b.png"}' },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', toolCallId: 'c1', content: [{ type: 'image', source: png }] },
              {
                type: 'tool_result',
                toolCallId: 'c2',
                content: [
                  { type: 'text', text: 'b.png:' },
                  { type: 'image', source: { ...png, mediaType: 'image/jpeg' } },
                ],
              },
            ],
          },
        ],
      }),
      'gemini-3-pro-preview',
      OPTIONS,
    );
    expect(built.contents[2]?.parts).toEqual([
      {
        functionResponse: {
          name: 'Read',
          response: { result: '(the result is the image after the function responses)' },
        },
      },
      { functionResponse: { name: 'Read', response: { result: 'b.png:' } } },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { inlineData: { mimeType: 'image/jpeg', data: 'iVBORw0KGgo=' } },
    ]);
  });

  it("gives another model's calls Google's sentinel on Gemini 3, so a fallback mid tool loop is not refused", () => {
    const messages: IrRequest['messages'] = [
      { role: 'user', content: [{ type: 'text', text: 'run it' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', text: 'Claude thought', signature: 'anthropic-sig' },
          { type: 'tool_call', id: 'toolu_1', name: 'Bash', arguments: '{"command":"ls"}' },
          { type: 'tool_call', id: 'toolu_2', name: 'Bash', arguments: '{"command":"pwd"}' },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', toolCallId: 'toolu_1', content: [{ type: 'text', text: 'a' }] },
          { type: 'tool_result', toolCallId: 'toolu_2', content: [{ type: 'text', text: '/' }] },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'tool_call', id: geminiToolCallId('call_g_0', 'own-sig'), name: 'Bash', arguments: '{}' }],
      },
    ];
    const callsOf = (model: string) =>
      buildGeminiRequest(request({ messages }), model, OPTIONS)
        .contents.filter((c) => c.role === 'model')
        .map((c) => c.parts.map((p) => p.thoughtSignature));
    // Only the first call of a step carries a signature; Gemini's own turn keeps its own.
    expect(callsOf('gemini-3-pro-preview')).toEqual([['skip_thought_signature_validator', undefined], ['own-sig']]);
    expect(callsOf('publishers/google/models/gemini-3.1-flash')).toEqual([
      ['skip_thought_signature_validator', undefined],
      ['own-sig'],
    ]);
    // Gemini 2.5 does not validate signatures and gets nothing made up.
    expect(callsOf('gemini-2.5-pro')).toEqual([[undefined, undefined], ['own-sig']]);
  });

  it("cuts a tool's JSON Schema to Gemini's subset and refuses $ref", () => {
    const parameters = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: false,
      properties: { city: { type: ['string', 'null'], description: 'City' }, days: { type: 'integer', minimum: 1 } },
      required: ['city'],
    };
    const built = buildGeminiRequest(request({ tools: [{ name: 'f', parameters }] }), 'g', OPTIONS);
    expect(built.tools?.[0]?.functionDeclarations[0]?.parameters).toEqual({
      type: 'object',
      properties: {
        city: { type: 'string', nullable: true, description: 'City' },
        days: { type: 'integer', minimum: 1 },
      },
      required: ['city'],
    });
    const withRef = { type: 'object', properties: { a: { $ref: '#/$defs/A' } } };
    expect(() => buildGeminiRequest(request({ tools: [{ name: 'f', parameters: withRef }] }), 'g', OPTIONS)).toThrow(
      /\$ref/,
    );
  });

  it('maps sampling, JSON schema output and reasoning to generationConfig, and refuses what Gemini cannot express', () => {
    const built = buildGeminiRequest(
      request({
        temperature: 0.3,
        maxTokens: 5000,
        stopSequences: ['END'],
        responseFormat: { type: 'json_schema', name: 'x', schema: { type: 'object' } },
        reasoning: { effort: 'low' },
      }),
      'g',
      OPTIONS,
    );
    expect(built.generationConfig).toEqual({
      temperature: 0.3,
      maxOutputTokens: 5000,
      stopSequences: ['END'],
      responseMimeType: 'application/json',
      responseJsonSchema: { type: 'object' },
      thinkingConfig: { thinkingBudget: 2048, includeThoughts: true },
    });
    expect(() => buildGeminiRequest(request({ stopSequences: ['1', '2', '3', '4', '5', '6'] }), 'g', OPTIONS)).toThrow(
      expect.objectContaining({ param: 'stopSequences', status: 400 }),
    );
  });

  it('reports the prompt-cache marks and the end-user id it drops, and schema keywords Gemini refuses', () => {
    const hints = new HintReport();
    const built = buildGeminiRequest(
      request({
        system: [{ type: 'text', text: 'You are terse.', cacheControl: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
        tools: [
          {
            name: 'Bash',
            parameters: { type: 'object', additionalProperties: false, properties: { command: { type: 'string' } } },
          },
        ],
        user: 'user-1',
      }),
      'gemini-3-pro',
      { ...OPTIONS, hints },
    );
    expect(built.tools).toEqual([
      {
        functionDeclarations: [
          { name: 'Bash', parameters: { type: 'object', properties: { command: { type: 'string' } } } },
        ],
      },
    ]);
    expect(JSON.stringify(built)).not.toContain('user-1');
    expect(hints.dropped).toEqual(['cacheControl', 'user', 'tools[].parameters.additionalProperties']);
  });
  it('names an image inside a tool result by its own place when Vertex cannot tell its type', () => {
    const messages: IrRequest['messages'] = [
      { role: 'user', content: [{ type: 'text', text: 'look' }] },
      { role: 'assistant', content: [{ type: 'tool_call', id: 'c1', name: 'shot', arguments: '{}' }] },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            toolCallId: 'c1',
            content: [
              { type: 'text', text: 'here' },
              { type: 'image', source: { kind: 'url', url: 'https://example.com/shot' } },
            ],
          },
        ],
      },
    ];
    expect(() =>
      buildGeminiRequest(request({ messages }), 'gemini-2.5-pro', { ...OPTIONS, fileUrisNeedMediaType: true }),
    ).toThrow(expect.objectContaining({ status: 400, param: 'messages[2].content[0].content[1]' }));
  });
});
