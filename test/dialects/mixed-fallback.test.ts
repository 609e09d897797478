import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DialectGateway } from './support/dialect-gateway.js';

/**
 * A fallback chain whose targets speak different dialects: when the first target fails, the next one serves the
 * same client request translated for its own dialect, and the client sees an ordinary answer in its own dialect.
 */

const OPENAI_FIRST = {
  name: 'mixed-openai-first',
  targets: [
    { provider: 'oai', model: 'gpt-mixed-1' },
    { provider: 'ant', model: 'claude-mixed-1' },
  ],
};
const ANTHROPIC_FIRST = {
  name: 'mixed-anthropic-first',
  targets: [
    { provider: 'ant', model: 'claude-mixed-2' },
    { provider: 'oai', model: 'gpt-mixed-2' },
  ],
};

let gateway: DialectGateway;

describe('a fallback chain across provider types', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start([OPENAI_FIRST, ANTHROPIC_FIRST]);
    await gateway.skipRecords();
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(async () => {
    gateway.reset();
    await gateway.skipRecords();
  });

  it('serves an OpenAI SDK chat request from the Anthropic target when the OpenAI target answers 429', async () => {
    gateway.openaiUpstream.enqueue({ kind: 'error', status: 429 });
    gateway.anthropicUpstream.enqueue({ kind: 'reply', text: 'Served by Claude.' });
    const { data, response } = await gateway.harness
      .openai()
      .chat.completions.create({
        model: OPENAI_FIRST.name,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
        ],
      })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Served by Claude.');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(response.headers.get('x-gateway-route')).toBe('fallback');
    expect(response.headers.get('x-gateway-provider')).toBe('ant');
    expect(response.headers.get('x-gateway-model')).toBe('claude-mixed-1');

    expect(gateway.openaiUpstream.requestsTo('/v1/chat/completions')[0]?.body).toMatchObject({ model: 'gpt-mixed-1' });
    const translated = gateway.anthropicUpstream.requestsTo('/v1/messages')[0]?.body;
    expect(translated).toEqual({
      model: 'claude-mixed-1',
      max_tokens: 4096,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
    const record = await gateway.nextRecord();
    expect(record).toMatchObject({
      status: 200,
      routeMode: 'fallback',
      provider: 'ant',
      entryPoint: 'chat.completions',
    });
    expect(record.attempts.map((a) => [a.provider, a.status])).toEqual([
      ['oai', 429],
      ['ant', 200],
    ]);
  });

  it('does the same for a streamed request, with the Anthropic stream translated to chunks', async () => {
    gateway.openaiUpstream.enqueue({ kind: 'error', status: 429 });
    gateway.anthropicUpstream.enqueue({ kind: 'reply', text: 'Streamed by Claude.', usage: { input: 9, output: 4 } });
    const stream = gateway.harness.openai().chat.completions.stream({
      model: OPENAI_FIRST.name,
      messages: [{ role: 'user', content: 'Hi' }],
      stream_options: { include_usage: true },
    });
    const completion = await stream.finalChatCompletion();
    expect(completion.choices[0]?.message.content).toBe('Streamed by Claude.');
    expect(completion.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 4 });
    expect(await gateway.nextRecord()).toMatchObject({ status: 200, routeMode: 'fallback', provider: 'ant' });
  });

  it('serves an Anthropic SDK request from the OpenAI target when the Anthropic target is overloaded', async () => {
    gateway.anthropicUpstream.enqueue({ kind: 'error', status: 529 });
    gateway.openaiUpstream.enqueue({ kind: 'reply', text: 'Served by GPT.' });
    const { data, response } = await gateway.harness
      .anthropic()
      .messages.create({ model: ANTHROPIC_FIRST.name, max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(data.content).toEqual([{ type: 'text', text: 'Served by GPT.' }]);
    expect(data.stop_reason).toBe('end_turn');
    expect(response.headers.get('x-gateway-route')).toBe('fallback');
    expect(gateway.openaiUpstream.requestsTo('/v1/chat/completions')[0]?.body).toEqual({
      model: 'gpt-mixed-2',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 100,
    });
    const record = await gateway.nextRecord();
    expect(record).toMatchObject({ status: 200, routeMode: 'fallback', provider: 'oai', entryPoint: 'messages' });
  });

  it('serves a Responses request from whichever target is left', async () => {
    gateway.openaiUpstream.enqueue({ kind: 'error', status: 500 });
    gateway.anthropicUpstream.enqueue({ kind: 'reply', text: 'Responses via Claude.' });
    const response = await gateway.harness.openai().responses.create({ model: OPENAI_FIRST.name, input: 'Hi' });
    expect(response.output_text).toBe('Responses via Claude.');
    expect(response.status).toBe('completed');
    expect(await gateway.nextRecord()).toMatchObject({ status: 200, routeMode: 'fallback', entryPoint: 'responses' });
  });

  it('skips a target whose dialect cannot express the request and serves it from the next one', async () => {
    gateway.openaiUpstream.enqueue({ kind: 'reply', text: 'Two choices are fine here.' });
    const { data, response } = await gateway.harness
      .openai()
      .chat.completions.create({ model: ANTHROPIC_FIRST.name, n: 2, messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Two choices are fine here.');
    expect(response.headers.get('x-gateway-provider')).toBe('oai');
    expect(gateway.anthropicUpstream.requestsTo('/v1/messages')).toEqual([]);
    expect(gateway.openaiUpstream.requestsTo('/v1/chat/completions')[0]?.body).toMatchObject({ n: 2 });
    const record = await gateway.nextRecord();
    expect(record.routeMode).toBe('fallback');
    expect(record.attempts.map((a) => [a.provider, a.errorClass])).toEqual([
      ['ant', 'unsupported'],
      ['oai', undefined],
    ]);
  });
});
