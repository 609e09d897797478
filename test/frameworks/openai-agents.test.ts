import { Agent, OpenAIResponsesModel, run, setTracingDisabled, tool } from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FakeAnthropic } from '../fakes/fake-anthropic.js';
import type { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, type GatewayHarness } from '../support/gateway-harness.js';
import { TwoUpstreams } from '../support/two-upstreams.js';
import { transcriptOf } from '../support/upstream-transcript.js';

/**
 * The OpenAI Agents SDK (its own openai client, from this test package) over the gateway's Responses entry
 * point: a tool loop inside one run, then a second run chained to the first with previousResponseId, where
 * the SDK sends only the new items and the gateway replays the stored chain to a Chat or Anthropic upstream.
 */

// The SDK would otherwise export traces to api.openai.com.
setTracingDisabled(true);

let gateway: TwoUpstreams;
let harness: GatewayHarness;
let oai: FakeOpenAI;
let ant: FakeAnthropic;
const calls: string[] = [];

const weather = tool({
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => {
    calls.push(city);
    return city === 'Paris' ? '18C and sunny' : '12C and rain';
  },
});

function agentFor(model: string): Agent {
  const client = new OpenAI({ apiKey: CLIENT_TOKEN, baseURL: `${harness.url}/v1`, maxRetries: 0 });
  return new Agent({
    name: 'Weather',
    instructions: 'Use the tool, then answer in one sentence.',
    model: new OpenAIResponsesModel(client, model),
    tools: [weather],
  });
}

beforeAll(async () => {
  gateway = await TwoUpstreams.start();
  ({ harness, oai, ant } = gateway);
});

afterAll(async () => {
  await gateway?.close();
});

beforeEach(() => {
  calls.length = 0;
  gateway.reset();
});

function scriptToolTurn(upstream: 'openai' | 'anthropic', id: string, city: string, answer: string): void {
  if (upstream === 'openai') {
    oai.enqueue(
      { kind: 'reply', toolCalls: [{ id, name: 'get_weather', arguments: JSON.stringify({ city }) }] },
      { kind: 'reply', text: answer },
    );
  } else {
    ant.enqueue(
      { kind: 'reply', content: [{ type: 'tool_use', id, name: 'get_weather', input: { city } }] },
      { kind: 'reply', text: answer },
    );
  }
}

describe.each([
  { upstream: 'openai' as const, model: 'via-openai', prefix: 'call_' },
  { upstream: 'anthropic' as const, model: 'via-anthropic', prefix: 'toolu_' },
])('OpenAI Agents SDK -> $upstream upstream', ({ upstream, model, prefix }) => {
  it('runs a tool, then continues a stored chain with previousResponseId', async () => {
    const agent = agentFor(model);
    scriptToolTurn(upstream, `${prefix}paris`, 'Paris', 'Paris: 18C and sunny.');
    const first = await run(agent, 'Weather in Paris?');
    expect(first.finalOutput).toBe('Paris: 18C and sunny.');
    expect(first.lastResponseId).toMatch(/^resp_/);

    scriptToolTurn(upstream, `${prefix}london`, 'London', 'London: 12C and rain.');
    const second = await run(agent, 'And in London?', { previousResponseId: first.lastResponseId });
    expect(second.finalOutput).toBe('London: 12C and rain.');
    expect(calls).toEqual(['Paris', 'London']);

    const fake = upstream === 'openai' ? oai : ant;
    // The last model call of the second run: the SDK sent only the tool output and a previous_response_id,
    // and the upstream still received the whole conversation, in order.
    expect(transcriptOf(fake)).toEqual([
      'user:Weather in Paris?',
      `assistant:call(${prefix}paris)`,
      `result(${prefix}paris):18C and sunny`,
      'assistant:Paris: 18C and sunny.',
      'user:And in London?',
      `assistant:call(${prefix}london)`,
      `result(${prefix}london):12C and rain`,
    ]);
    const stored = await new OpenAI({ apiKey: CLIENT_TOKEN, baseURL: `${harness.url}/v1` }).responses.retrieve(
      second.lastResponseId as string,
    );
    expect(stored.output_text).toBe('London: 12C and rain.');
    // Inside the chained run the SDK continued its own tool turn by id too.
    expect(stored.previous_response_id).toMatch(/^resp_/);
    expect(stored.previous_response_id).not.toBe(first.lastResponseId);
  });
});
