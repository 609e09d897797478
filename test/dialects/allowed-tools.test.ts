import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DialectGateway, MODELS } from './support/dialect-gateway.js';

/**
 * OpenAI's `allowed_tools` tool choice (Responses `{type, mode, tools}`, Chat `{type, allowed_tools: {mode,
 * tools}}`) lets the model call only some of the tools given. Upstreams without it get only the allowed tools,
 * with tool_choice auto (mode auto) or any/required (mode required): the model can call exactly the same tools.
 */

const TOOLS = ['get_weather', 'get_time', 'send_email'];

let gateway: DialectGateway;

type Json = Record<string, unknown>;

function lastBody(provider: 'gemini' | 'bedrock' | 'anthropic'): Json {
  const upstream =
    provider === 'gemini'
      ? gateway.geminiUpstream
      : provider === 'bedrock'
        ? gateway.bedrockUpstream
        : gateway.anthropicUpstream;
  const requests = provider === 'anthropic' ? gateway.anthropicUpstream.requestsTo('/v1/messages') : upstream.requests;
  return requests.at(-1)?.body as Json;
}

describe('an allowed_tools tool choice on upstreams without one', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(() => gateway.reset());

  it('reaches Gemini and Bedrock from a Responses client as the allowed tools, one of them required', async () => {
    const client = gateway.harness.openai();
    for (const provider of ['gemini', 'bedrock'] as const) {
      await client.responses.create({
        model: MODELS[provider].name,
        input: 'Weather and time in Paris?',
        tools: TOOLS.map((name) => ({ type: 'function', name, parameters: { type: 'object' }, strict: false })),
        tool_choice: {
          type: 'allowed_tools',
          mode: 'required',
          tools: [
            { type: 'function', name: 'get_weather' },
            { type: 'function', name: 'get_time' },
          ],
        },
      });
    }
    const gemini = lastBody('gemini') as {
      tools: Array<{ functionDeclarations: Array<{ name: string }> }>;
      toolConfig: unknown;
    };
    expect(gemini.tools[0]?.functionDeclarations.map((tool) => tool.name)).toEqual(['get_weather', 'get_time']);
    expect(gemini.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    const bedrock = lastBody('bedrock') as {
      toolConfig: { tools: Array<{ toolSpec: { name: string } }>; toolChoice: unknown };
    };
    expect(bedrock.toolConfig.tools.map((tool) => tool.toolSpec.name)).toEqual(['get_weather', 'get_time']);
    expect(bedrock.toolConfig.toolChoice).toEqual({ any: {} });
  });

  it('reaches Anthropic from a Chat client as the allowed tool with tool_choice auto', async () => {
    await gateway.harness.openai().chat.completions.create({
      model: MODELS.anthropic.name,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: TOOLS.map((name) => ({ type: 'function', function: { name, parameters: { type: 'object' } } })),
      tool_choice: {
        type: 'allowed_tools',
        allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'get_weather' } }] },
      },
    });
    const sent = lastBody('anthropic') as { tools: Array<{ name: string }>; tool_choice: unknown };
    expect(sent.tools.map((tool) => tool.name)).toEqual(['get_weather']);
    expect(sent.tool_choice).toEqual({ type: 'auto' });
  });
});
