import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_KEYS } from '../agents/support/cloud-fakes.js';
import { FakeAnthropic } from '../fakes/fake-anthropic.js';
import { FakeBedrock } from '../fakes/fake-bedrock.js';
import { FakeGemini } from '../fakes/fake-gemini.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

const GEMINI_SIGNATURE = 'CiQBR2VtaW5pLXNpZ25lZC10aG91Z2h0';
const TOOLS: Anthropic.Tool[] = [
  {
    name: 'get_weather',
    description: 'weather',
    input_schema: { type: 'object', properties: { city: { type: 'string' } } },
  },
];

/**
 * A conversation that moves between provider types mid-way, as when a Claude Code user switches `/model` from a
 * Gemini route to a Claude one, or a fallback chain serves the next turn elsewhere. Claude (Anthropic's API,
 * Bedrock, Vertex) refuses a thinking block whose signature it did not issue ("Invalid `signature` in `thinking`
 * block"), so a thought Gemini signed must never reach it as signed Anthropic thinking.
 */
describe('a conversation continued on another provider type', () => {
  let gemini: FakeGemini;
  let anthropic: FakeAnthropic;
  let bedrock: FakeBedrock;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gemini = await FakeGemini.start();
    anthropic = await FakeAnthropic.start();
    bedrock = await FakeBedrock.start({ keys: [AWS_KEYS] });
    gateway = await GatewayHarness.start({
      config: {
        providers: [
          fakeProvider('gem', gemini.baseUrl, gemini.apiKey, 'gemini'),
          fakeProvider('ant', anthropic.baseUrl, anthropic.apiKey, 'anthropic'),
          {
            name: 'bed',
            type: 'bedrock',
            base_url: bedrock.endpoint,
            allow_private_network: true,
            aws: {
              region: 'us-east-1',
              access_key_id: AWS_KEYS.accessKeyId,
              secret_access_key: AWS_KEYS.secretAccessKey,
              session_token: AWS_KEYS.sessionToken,
            },
          },
        ],
        models: [
          { name: 'gemini-3-pro', targets: [{ provider: 'gem', model: 'gemini-3-pro-preview' }] },
          { name: 'claude-sonnet-4-5', targets: [{ provider: 'ant', model: 'claude-sonnet-4-5' }] },
          {
            name: 'claude-bedrock',
            targets: [{ provider: 'bed', model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' }],
          },
        ],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await gemini.close();
    await anthropic.close();
    await bedrock.close();
  });

  /** Turn 1 on Gemini: a signed thought and a tool call, as the Anthropic SDK returns it. */
  async function geminiTurn(stream: boolean): Promise<Anthropic.Message> {
    gemini.enqueue({
      kind: 'reply',
      thought: { text: 'The user wants the weather.', signature: GEMINI_SIGNATURE },
      toolCalls: [{ name: 'get_weather', args: { city: 'Paris' } }],
    });
    const params = {
      model: 'gemini-3-pro',
      max_tokens: 4096,
      thinking: { type: 'enabled' as const, budget_tokens: 2048 },
      tools: TOOLS,
      messages: [{ role: 'user' as const, content: 'Weather in Paris?' }],
    };
    const client = gateway.anthropic();
    return stream ? client.messages.stream(params).finalMessage() : client.messages.create(params);
  }

  /** Turn 2 of the same conversation, sent to `model`. */
  async function continueOn(model: string, first: Anthropic.Message): Promise<void> {
    const call = first.content.find((block) => block.type === 'tool_use');
    await gateway.anthropic().messages.create({
      model,
      max_tokens: 4096,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      tools: TOOLS,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call?.id ?? '', content: 'Sunny, 24°C' }] },
      ],
    });
  }

  it.each([false, true])('sends no Gemini-signed thinking to Anthropic (turn 1 streamed: %s)', async (stream) => {
    const first = await geminiTurn(stream);
    expect(first.content.map((block) => block.type)).toEqual(['thinking', 'tool_use']);
    await continueOn('claude-sonnet-4-5', first);
    const sent = JSON.stringify(anthropic.requestsTo('/v1/messages').at(-1)?.body);
    expect(sent).toContain('Sunny, 24°C');
    expect(sent).not.toContain(GEMINI_SIGNATURE);
  });

  it('sends no Gemini-signed reasoning to Claude on Bedrock', async () => {
    const first = await geminiTurn(false);
    await continueOn('claude-bedrock', first);
    const sent = bedrock.chatRequests().at(-1)?.rawBody ?? '';
    expect(sent).toContain('Sunny, 24');
    expect(sent).not.toContain(GEMINI_SIGNATURE);
  });

  it("sends no Gemini-signed reasoning to Anthropic from a Responses client's encrypted_content", async () => {
    gemini.enqueue({
      kind: 'reply',
      thought: { text: 'The user wants the weather.', signature: GEMINI_SIGNATURE },
      toolCalls: [{ name: 'get_weather', args: { city: 'Paris' } }],
    });
    const client = gateway.openai();
    const tools = [
      { type: 'function' as const, name: 'get_weather', strict: false, parameters: TOOLS[0]?.input_schema ?? {} },
    ];
    const first = await client.responses.create({
      model: 'gemini-3-pro',
      store: false,
      include: ['reasoning.encrypted_content'],
      reasoning: { effort: 'medium' },
      tools,
      input: 'Weather in Paris?',
    });
    const call = first.output.find((item) => item.type === 'function_call');
    await client.responses.create({
      model: 'claude-sonnet-4-5',
      store: false,
      reasoning: { effort: 'medium' },
      tools,
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        ...(first.output as never[]),
        {
          type: 'function_call_output',
          call_id: call?.type === 'function_call' ? call.call_id : '',
          output: 'Sunny, 24°C',
        },
      ],
    });
    const sent = JSON.stringify(anthropic.requestsTo('/v1/messages').at(-1)?.body);
    expect(sent).toContain('Sunny, 24°C');
    expect(sent).not.toContain(GEMINI_SIGNATURE);
  });
});
