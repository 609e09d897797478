import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../fakes/fake-server.js';
import { DialectGateway, MODELS } from './support/dialect-gateway.js';

/**
 * Gemini takes function names of at most 64 characters from [A-Za-z0-9_.:-], starting with a letter or `_`;
 * Bedrock Converse toolSpec names of 1 to 64 from [a-zA-Z0-9_-]; Anthropic (Claude on Vertex too) 1 to 128 from
 * the same. An agent's MCP tools go past them (a long `mcp__server__tool` name, a dotted or slashed one). Such a tool still reaches the upstream, under a name it
 * takes, and a whole tool loop works: the call comes back under the client's name (whole and streamed), and the
 * history the client sends back (the call, its result, tool_choice) reaches the upstream under the same name.
 */

const LONG = 'mcp__github-enterprise-server__search_repositories_by_topic_and_language_sorted';
const SLASHED = 'fs/read.file';
const TOOLS: OpenAI.ChatCompletionTool[] = [LONG, SLASHED].map((name) => ({
  type: 'function',
  function: { name, parameters: { type: 'object', properties: { q: { type: 'string' } } } },
}));

let gateway: DialectGateway;

type Json = Record<string, unknown>;
type Provider = 'gemini' | 'bedrock' | 'anthropic';

/** The name each upstream takes. */
const VALID: Record<Provider, RegExp> = {
  gemini: /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/,
  bedrock: /^[A-Za-z0-9_-]{1,64}$/,
  anthropic: /^[a-zA-Z0-9_-]{1,128}$/,
};

/** The tool the loop calls: one each upstream would refuse (Anthropic takes the long name, not the slashed one). */
const CALLED: Record<Provider, string> = { gemini: LONG, bedrock: LONG, anthropic: SLASHED };

/** The names a request declared, in order, as each upstream spells its tools. */
function declaredNames(provider: Provider, request: RecordedRequest): string[] {
  const body = request.body as Json;
  if (provider === 'anthropic') return (body.tools as Array<{ name: string }>).map((tool) => tool.name);
  if (provider === 'gemini') {
    const tools = body.tools as Array<{ functionDeclarations: Array<{ name: string }> }>;
    return tools.flatMap((tool) => tool.functionDeclarations.map((declaration) => declaration.name));
  }
  const config = body.toolConfig as { tools: Array<{ toolSpec?: { name: string } }> };
  return config.tools.flatMap((tool) => (tool.toolSpec ? [tool.toolSpec.name] : []));
}

/** The upstream calls the declared tool at `index` whenever the conversation has no tool result yet. */
function callTool(provider: Provider, index: number) {
  const answered = (request: RecordedRequest) => JSON.stringify(request.body).includes('"Sunny"');
  const name = (request: RecordedRequest) => declaredNames(provider, request)[index] as string;
  if (provider === 'anthropic') {
    gateway.anthropicUpstream.respondWith((request) =>
      answered(request)
        ? undefined
        : { kind: 'reply', content: [{ type: 'tool_use', id: 'toolu_1', name: name(request), input: { q: 'x' } }] },
    );
  } else if (provider === 'gemini') {
    gateway.geminiUpstream.respondWith((request) =>
      answered(request)
        ? undefined
        : {
            kind: 'reply',
            toolCalls: [{ name: name(request), args: { q: 'x' }, signature: 'sig-1' }],
          },
    );
  } else {
    gateway.bedrockUpstream.respondWith((request) =>
      answered(request)
        ? undefined
        : {
            kind: 'reply',
            toolCalls: [{ id: 'tooluse_1', name: name(request), input: { q: 'x' } }],
            stopReason: 'tool_use',
          },
    );
  }
}

function lastRequest(provider: Provider): RecordedRequest {
  if (provider === 'anthropic') return gateway.anthropicUpstream.requests.at(-1) as RecordedRequest;
  const upstream = provider === 'gemini' ? gateway.geminiUpstream : gateway.bedrockUpstream;
  return upstream.chatRequests().at(-1) as RecordedRequest;
}

describe.each(['gemini', 'bedrock', 'anthropic'] as const)('tool names %s would refuse', (provider) => {
  const model = MODELS[provider].name;

  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(() => gateway.reset());

  it.each([false, true])('go through a whole tool loop under the client names (stream: %s)', async (stream) => {
    const called = CALLED[provider];
    const index = TOOLS.findIndex((tool) => tool.type === 'function' && tool.function.name === called);
    callTool(provider, index);
    const client = gateway.harness.openai();
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Find repositories' }];
    const params = {
      model,
      messages,
      tools: TOOLS,
      tool_choice: { type: 'function' as const, function: { name: called } },
    };
    const message = stream
      ? (await client.chat.completions.stream(params).finalChatCompletion()).choices[0]?.message
      : (await client.chat.completions.create(params)).choices[0]?.message;
    const call = message?.tool_calls?.[0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.function.name).toBe(called);

    const sent = declaredNames(provider, lastRequest(provider));
    expect(sent).toHaveLength(2);
    for (const name of sent) expect(name).toMatch(VALID[provider]);
    expect(new Set(sent).size).toBe(2);
    expect(sent[index]).not.toBe(called);
    const first = lastRequest(provider).body as Json;
    const chosen =
      provider === 'anthropic'
        ? (first.tool_choice as { name: string }).name
        : provider === 'gemini'
          ? (first.toolConfig as { functionCallingConfig: { allowedFunctionNames: string[] } }).functionCallingConfig
              .allowedFunctionNames[0]
          : (first.toolConfig as { toolChoice: { tool: { name: string } } }).toolChoice.tool.name;
    expect(chosen).toBe(sent[index]);

    messages.push(
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: call.id, content: 'Sunny' },
    );
    const second = await client.chat.completions.create({ model, messages, tools: TOOLS });
    expect(second.choices[0]?.message.content).toMatch(/Hello/);
    // The same names on the second turn, in the history too.
    const body = lastRequest(provider).body as Json;
    expect(declaredNames(provider, lastRequest(provider))).toEqual(sent);
    if (provider === 'gemini') {
      const contents = body.contents as Array<{ parts: Array<{ functionCall?: Json; functionResponse?: Json }> }>;
      expect(contents[1]?.parts[0]?.functionCall?.name).toBe(sent[index]);
      expect(contents[2]?.parts[0]?.functionResponse?.name).toBe(sent[index]);
    } else if (provider === 'bedrock') {
      const history = body.messages as Array<{ content: Array<{ toolUse?: Json }> }>;
      expect(history[1]?.content[0]?.toolUse?.name).toBe(sent[index]);
    } else {
      const history = body.messages as Array<{ content: Array<{ name?: string }> }>;
      expect(history[1]?.content[0]?.name).toBe(sent[index]);
    }
    if (provider === 'anthropic') expect(sent[0]).toBe(LONG);
  });

  it('keep a name the upstream takes as it is', async () => {
    await gateway.harness.openai().chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    });
    expect(declaredNames(provider, lastRequest(provider))).toEqual(['get_weather']);
  });
});
