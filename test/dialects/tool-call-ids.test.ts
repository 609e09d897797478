import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { DialectGateway, MODELS } from './support/dialect-gateway.js';

/**
 * Tool call ids from OpenAI-compatible servers may hold characters Anthropic refuses (Kimi's `functions.Bash:0`,
 * Ollama's, Codex's `call_x|fc_y`); Anthropic takes only `^[a-zA-Z0-9_-]+$`. Anthropic clients never see such an
 * id, and a conversation carrying one still reaches an Anthropic provider, its calls and results still paired.
 */

const KIMI_ID = 'functions.get_weather:0';
const SAFE_ID = 'functions_get_weather_0';

let gateway: DialectGateway;

describe('tool call ids Anthropic would refuse', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(() => gateway.reset());

  it.each([false, true])('reach an Anthropic SDK client in the form Anthropic takes (stream: %s)', async (stream) => {
    gateway.openaiUpstream.enqueue({
      kind: 'reply',
      toolCalls: [{ id: KIMI_ID, name: 'get_weather', arguments: '{"city":"Paris"}' }],
    });
    const params = {
      model: MODELS.openai.name,
      max_tokens: 100,
      messages: [{ role: 'user' as const, content: 'Weather in Paris?' }],
      tools: [{ name: 'get_weather', input_schema: { type: 'object' as const } }],
    };
    const client = gateway.harness.anthropic();
    const message = stream ? await client.messages.stream(params).finalMessage() : await client.messages.create(params);
    expect(message.content).toEqual([{ type: 'tool_use', id: SAFE_ID, name: 'get_weather', input: { city: 'Paris' } }]);
  });

  it('go to an Anthropic provider rewritten the same way in the call and its result', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: KIMI_ID, type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: KIMI_ID, content: 'Sunny' },
    ];
    const completion = await gateway.harness
      .openai()
      .chat.completions.create({ model: MODELS.anthropic.name, messages });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    const sent = gateway.anthropicUpstream.requestsTo('/v1/messages').at(-1)?.body as {
      messages: Array<{ content: Array<{ id?: string; tool_use_id?: string }> }>;
    };
    expect(sent.messages[1]?.content[0]?.id).toBe(SAFE_ID);
    expect(sent.messages[2]?.content[0]?.tool_use_id).toBe(SAFE_ID);
  });
});

/**
 * Bedrock Converse takes a toolUseId of 1 to 64 characters from [a-zA-Z0-9_-]. A conversation may carry ids
 * that another provider minted outside that: Kimi's `functions.get_weather:0`, or a Gemini call's id, which
 * carries the call's thought signature and so runs to hundreds of characters. Such a conversation continued on
 * a Bedrock model still reaches it, its calls and results still paired.
 */
describe('tool call ids Bedrock would refuse', () => {
  const TOOLS: OpenAI.ChatCompletionTool[] = [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } },
  ];

  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(() => gateway.reset());

  function toolLoop(id: string): OpenAI.ChatCompletionMessageParam[] {
    return [
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: id, content: 'Sunny' },
    ];
  }

  function sentToolUseIds(): { call: string | undefined; result: string | undefined } {
    const sent = gateway.bedrockUpstream.chatRequests().at(-1)?.body as {
      messages: Array<{ content: Array<{ toolUse?: { toolUseId: string }; toolResult?: { toolUseId: string } }> }>;
    };
    return {
      call: sent.messages[1]?.content[0]?.toolUse?.toolUseId,
      result: sent.messages[2]?.content[0]?.toolResult?.toolUseId,
    };
  }

  it('go to Bedrock in the form it takes when they hold other characters', async () => {
    const completion = await gateway.harness
      .openai()
      .chat.completions.create({ model: MODELS.bedrock.name, messages: toolLoop(KIMI_ID), tools: TOOLS });
    expect(completion.choices[0]?.message.content).toBe('Hello from Bedrock.');
    expect(sentToolUseIds()).toEqual({ call: SAFE_ID, result: SAFE_ID });
  });

  it("carry a Gemini call's long id to Bedrock within 64 characters, the same in the call and its result", async () => {
    const signature = Buffer.alloc(600, 7).toString('base64');
    gateway.geminiUpstream.enqueue({
      kind: 'reply',
      toolCalls: [{ name: 'get_weather', args: { city: 'Paris' }, signature }],
    });
    const client = gateway.harness.openai();
    const first = await client.chat.completions.create({
      model: MODELS.gemini.name,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: TOOLS,
    });
    const geminiId = first.choices[0]?.message.tool_calls?.[0]?.id ?? '';
    expect(geminiId.length).toBeGreaterThan(64);
    const completion = await client.chat.completions.create({
      model: MODELS.bedrock.name,
      messages: toolLoop(geminiId),
      tools: TOOLS,
    });
    expect(completion.choices[0]?.message.content).toBe('Hello from Bedrock.');
    const { call, result } = sentToolUseIds();
    expect(call).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(result).toBe(call);
  });

  it('keep distinct long ids distinct', async () => {
    const stem = `call_${'x'.repeat(70)}`;
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: `${stem}_0`, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: `${stem}_1`, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: `${stem}_0`, content: 'Sunny' },
      { role: 'tool', tool_call_id: `${stem}_1`, content: 'Rain' },
    ];
    await gateway.harness.openai().chat.completions.create({ model: MODELS.bedrock.name, messages, tools: TOOLS });
    const sent = gateway.bedrockUpstream.chatRequests().at(-1)?.body as {
      messages: Array<{ content: Array<{ toolUse?: { toolUseId: string }; toolResult?: { toolUseId: string } }> }>;
    };
    const calls = sent.messages[1]?.content.map((block) => block.toolUse?.toolUseId);
    const results = sent.messages[2]?.content.map((block) => block.toolResult?.toolUseId);
    expect(new Set(calls).size).toBe(2);
    expect(results).toEqual(calls);
  });
});

describe('tool call ids toward a provider that takes only Mistral ids', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start({ name: 'fake-mistral' });
    harness = await GatewayHarness.start({
      config: {
        providers: [
          { ...fakeProvider('mistral', upstream.baseUrl, upstream.apiKey, 'openai'), tool_call_ids: 'mistral' },
        ],
        models: [{ name: 'mistral-large', targets: [{ provider: 'mistral', model: 'mistral-large-latest' }] }],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  it("carry an Anthropic client's tool_use id as 9 letters and digits, the same in the call and its result", async () => {
    const anthropicId = 'toolu_01A09q90qw90lq917835lq9';
    const message = await harness.anthropic().messages.create({
      model: 'mistral-large',
      max_tokens: 100,
      tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: anthropicId, name: 'get_weather', input: { city: 'Paris' } }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: anthropicId, content: '18C' }] },
      ],
    });
    expect(message.stop_reason).toBe('end_turn');
    const sent = upstream.requestsTo('/v1/chat/completions').at(-1)?.body as {
      messages: Array<{ tool_calls?: Array<{ id: string }>; tool_call_id?: string }>;
    };
    const callId = sent.messages[1]?.tool_calls?.[0]?.id;
    expect(callId).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(sent.messages[2]?.tool_call_id).toBe(callId);
  });
});
