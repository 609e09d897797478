import { ChatAnthropic } from '@langchain/anthropic';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { type AIMessageChunk, type BaseMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FakeAnthropic } from '../fakes/fake-anthropic.js';
import type { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, type GatewayHarness } from '../support/gateway-harness.js';
import { TwoUpstreams } from '../support/two-upstreams.js';
import { transcriptOf } from '../support/upstream-transcript.js';

/**
 * LangChain's chat models over the gateway, each against the other provider type so the round trip is
 * translated: ChatOpenAI (Chat Completions, and Responses with useResponsesApi) and ChatAnthropic (Messages).
 * A tool call round trip: the model asks for the tool, LangChain's tool runs, its result goes back.
 */

let gateway: TwoUpstreams;
let harness: GatewayHarness;
let oai: FakeOpenAI;
let ant: FakeAnthropic;

const weather = tool(async ({ city }: { city: string }) => (city === 'Paris' ? '18C and sunny' : 'unknown'), {
  name: 'get_weather',
  description: 'Current weather for a city',
  schema: z.object({ city: z.string() }),
});

beforeAll(async () => {
  gateway = await TwoUpstreams.start();
  ({ harness, oai, ant } = gateway);
});

afterAll(async () => {
  await gateway?.close();
});

beforeEach(() => gateway.reset());

type Bound = ReturnType<NonNullable<BaseChatModel['bindTools']>>;

/**
 * One model call, streamed chunk by chunk (and the chunks concatenated, as LangChain apps do) or not. Streaming
 * goes through `stream()` rather than `invoke()` with `streaming: true`: ChatOpenAI's invoke then estimates
 * token counts with a tokenizer it downloads from tiktoken.pages.dev, which hangs without internet access.
 */
async function call(bound: Bound, messages: BaseMessage[], streaming: boolean): Promise<AIMessageChunk> {
  if (!streaming) return (await bound.invoke(messages)) as AIMessageChunk;
  let whole: AIMessageChunk | undefined;
  let chunks = 0;
  for await (const chunk of await bound.stream(messages)) {
    chunks++;
    whole = whole === undefined ? chunk : whole.concat(chunk);
  }
  expect(chunks).toBeGreaterThan(1);
  if (!whole) throw new Error('the stream had no chunks');
  return whole;
}

/** Asks, runs the tool calls the model made with LangChain's tool, and sends the results back. */
async function toolRoundTrip(model: BaseChatModel, streaming: boolean): Promise<AIMessageChunk> {
  const bound = model.bindTools?.([weather]);
  if (!bound) throw new Error('the model cannot bind tools');
  const messages: BaseMessage[] = [new HumanMessage('Weather in Paris?')];
  const asked = await call(bound, messages, streaming);
  expect(asked.tool_calls).toEqual([expect.objectContaining({ name: 'get_weather', args: { city: 'Paris' } })]);
  messages.push(asked);
  for (const call of asked.tool_calls ?? []) {
    const result = await weather.invoke(call.args as { city: string });
    messages.push(new ToolMessage({ content: result, tool_call_id: call.id as string }));
  }
  return call(bound, messages, streaming);
}

describe.each([
  { name: 'ChatOpenAI (Chat Completions)', responsesApi: false },
  { name: 'ChatOpenAI (Responses)', responsesApi: true },
])('$name -> Anthropic upstream', ({ responsesApi }) => {
  it.each([false, true])('completes a tool call round trip (streaming: %s)', async (streaming) => {
    ant.enqueue(
      {
        kind: 'reply',
        content: [{ type: 'tool_use', id: 'toolu_lc_1', name: 'get_weather', input: { city: 'Paris' } }],
      },
      { kind: 'reply', text: 'Paris: 18C and sunny.' },
    );
    const model = new ChatOpenAI({
      model: 'via-anthropic',
      apiKey: CLIENT_TOKEN,
      configuration: { baseURL: `${harness.url}/v1` },
      maxRetries: 0,
      useResponsesApi: responsesApi,
    });
    const answer = await toolRoundTrip(model, streaming);
    expect(answer.text).toBe('Paris: 18C and sunny.');
    expect(transcriptOf(ant)).toEqual([
      'user:Weather in Paris?',
      'assistant:call(toolu_lc_1)',
      'result(toolu_lc_1):18C and sunny',
    ]);
  });
});

describe('ChatAnthropic -> OpenAI-compatible upstream', () => {
  it.each([false, true])('completes a tool call round trip (streaming: %s)', async (streaming) => {
    oai.enqueue(
      { kind: 'reply', toolCalls: [{ id: 'call_lc_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { kind: 'reply', text: 'Paris: 18C and sunny.' },
    );
    const model = new ChatAnthropic({
      model: 'via-openai',
      apiKey: CLIENT_TOKEN,
      anthropicApiUrl: harness.url,
      maxRetries: 0,
    });
    const answer = await toolRoundTrip(model, streaming);
    expect(answer.text).toBe('Paris: 18C and sunny.');
    expect(transcriptOf(oai)).toEqual([
      'user:Weather in Paris?',
      'assistant:call(call_lc_1)',
      'result(call_lc_1):18C and sunny',
    ]);
  });
});
