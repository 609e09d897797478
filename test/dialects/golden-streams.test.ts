import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnthropicBehaviour } from '../fakes/fake-anthropic.js';
import type { Behaviour } from '../fakes/fake-openai.js';
import { chatDriver } from './support/chat-driver.js';
import { type ClientDriver, type TurnResult, usageSeenBy } from './support/client-driver.js';
import { DialectGateway, MODELS } from './support/dialect-gateway.js';
import { messagesDriver } from './support/messages-driver.js';
import type { ToolCall, Usage } from './support/provider-scripts.js';
import { responsesDriver } from './support/responses-driver.js';

/**
 * Tricky upstream streams, end to end: each one played by a fake upstream in its provider's real wire format and
 * read through the gateway by the official SDK of every client dialect that translates it (the same-dialect
 * client gets the bytes untouched). The streamed result must equal the non-streamed one, and both the script's
 * expectations.
 */

interface Expected {
  text: string;
  toolCalls: ToolCall[];
  reasoning: string;
  finish: 'end' | 'toolUse';
  usage: Usage;
}

type Golden =
  | { name: string; upstream: 'openai'; script: Behaviour & { kind: 'reply' }; expected: Expected; reasoning?: boolean }
  | {
      name: string;
      upstream: 'anthropic';
      script: AnthropicBehaviour & { kind: 'reply' };
      expected: Expected;
      reasoning?: boolean;
    };

const WEATHER: ToolCall = { id: 'call_Wx', name: 'get_weather', arguments: { city: 'Paris', unit: 'c' } };
const TIME: ToolCall = { id: 'call_Tm', name: 'get_time', arguments: { zone: 'Europe/Paris' } };
const OPENAI_USAGE = { prompt: 50, completion: 9, cached: 20 };
const OPENAI_SEEN: Usage = { input: 50, output: 9, cacheRead: 20, cacheWrite: 0 };
const ANTHROPIC_USAGE = { input: 40, output: 11, cacheRead: 30, cacheCreation: 8 };
const ANTHROPIC_SEEN: Usage = { input: 78, output: 11, cacheRead: 30, cacheWrite: 8 };

const openaiCall = (call: ToolCall) => ({ id: call.id, name: call.name, arguments: JSON.stringify(call.arguments) });
const anthropicCall = (call: ToolCall) => ({
  type: 'tool_use' as const,
  id: call.id.replace('call_', 'toolu_'),
  name: call.name,
  input: call.arguments,
});
const asAnthropic = (call: ToolCall): ToolCall => ({ ...call, id: call.id.replace('call_', 'toolu_') });
const none = { text: '', toolCalls: [], reasoning: '' };

const GOLDEN: Golden[] = [
  {
    name: 'tool-call arguments split into one-character deltas',
    upstream: 'openai',
    script: { kind: 'reply', toolCalls: [openaiCall(WEATHER)], chunkSize: 1, usage: OPENAI_USAGE },
    expected: { ...none, toolCalls: [WEATHER], finish: 'toolUse', usage: OPENAI_SEEN },
  },
  {
    name: 'parallel tool calls interleaved delta by delta',
    upstream: 'openai',
    script: {
      kind: 'reply',
      toolCalls: [openaiCall(WEATHER), openaiCall(TIME)],
      interleaveToolCalls: true,
      chunkSize: 3,
      usage: OPENAI_USAGE,
    },
    expected: { ...none, toolCalls: [WEATHER, TIME], finish: 'toolUse', usage: OPENAI_SEEN },
  },
  {
    name: 'tool-call names that arrive after the id and the first argument piece',
    upstream: 'openai',
    script: {
      kind: 'reply',
      toolCalls: [openaiCall(WEATHER), openaiCall(TIME)],
      lateToolNames: true,
      chunkSize: 4,
      usage: OPENAI_USAGE,
    },
    expected: { ...none, toolCalls: [WEATHER, TIME], finish: 'toolUse', usage: OPENAI_SEEN },
  },
  {
    name: 'a tool called with empty arguments (some servers send "" for a tool without parameters)',
    upstream: 'openai',
    script: { kind: 'reply', toolCalls: [{ id: 'call_Nw', name: 'get_time', arguments: '' }], usage: OPENAI_USAGE },
    expected: {
      ...none,
      toolCalls: [{ id: 'call_Nw', name: 'get_time', arguments: {} }],
      finish: 'toolUse',
      usage: OPENAI_SEEN,
    },
  },
  {
    name: 'an empty delta after every chunk',
    upstream: 'openai',
    script: {
      kind: 'reply',
      text: 'Empty deltas change nothing.',
      emptyDeltas: true,
      chunkSize: 3,
      usage: OPENAI_USAGE,
    },
    expected: { ...none, text: 'Empty deltas change nothing.', finish: 'end', usage: OPENAI_SEEN },
  },
  {
    name: 'reasoning, then a tool call',
    upstream: 'openai',
    reasoning: true,
    script: {
      kind: 'reply',
      reasoning: 'I need the weather first.',
      toolCalls: [openaiCall(WEATHER)],
      chunkSize: 5,
      usage: OPENAI_USAGE,
    },
    expected: {
      ...none,
      reasoning: 'I need the weather first.',
      toolCalls: [WEATHER],
      finish: 'toolUse',
      usage: OPENAI_SEEN,
    },
  },
  {
    name: "tool calls ending with finish_reason 'stop' (OpenAI with a named tool_choice, vLLM, Ollama)",
    upstream: 'openai',
    script: { kind: 'reply', toolCalls: [openaiCall(WEATHER)], finishReason: 'stop', usage: OPENAI_USAGE },
    expected: { ...none, toolCalls: [WEATHER], finish: 'toolUse', usage: OPENAI_SEEN },
  },
  {
    name: 'usage only in the last chunk, after the finish_reason',
    upstream: 'openai',
    script: { kind: 'reply', text: 'Counted at the end.', usage: { prompt: 1234, completion: 56, cached: 1000 } },
    expected: {
      ...none,
      text: 'Counted at the end.',
      finish: 'end',
      usage: { input: 1234, output: 56, cacheRead: 1000, cacheWrite: 0 },
    },
  },
  {
    name: 'tool input split into one-character input_json_deltas',
    upstream: 'anthropic',
    script: { kind: 'reply', content: [anthropicCall(WEATHER)], chunkSize: 1, usage: ANTHROPIC_USAGE },
    expected: { ...none, toolCalls: [asAnthropic(WEATHER)], finish: 'toolUse', usage: ANTHROPIC_SEEN },
  },
  {
    name: 'text, then two tool_use blocks',
    upstream: 'anthropic',
    script: {
      kind: 'reply',
      content: [{ type: 'text', text: 'Checking both.' }, anthropicCall(WEATHER), anthropicCall(TIME)],
      chunkSize: 3,
      usage: ANTHROPIC_USAGE,
    },
    expected: {
      ...none,
      text: 'Checking both.',
      toolCalls: [asAnthropic(WEATHER), asAnthropic(TIME)],
      finish: 'toolUse',
      usage: ANTHROPIC_SEEN,
    },
  },
  {
    name: 'a tool called without arguments (only an empty input_json_delta)',
    upstream: 'anthropic',
    script: {
      kind: 'reply',
      content: [{ type: 'tool_use', id: 'toolu_Nw', name: 'get_time', input: {} }],
      usage: ANTHROPIC_USAGE,
    },
    expected: {
      ...none,
      toolCalls: [{ id: 'toolu_Nw', name: 'get_time', arguments: {} }],
      finish: 'toolUse',
      usage: ANTHROPIC_SEEN,
    },
  },
  {
    name: 'ping events between and inside blocks',
    upstream: 'anthropic',
    script: {
      kind: 'reply',
      content: [
        { type: 'text', text: 'Pings are ' },
        { type: 'text', text: 'ignored.' },
      ],
      chunkSize: 2,
      usage: ANTHROPIC_USAGE,
    },
    expected: { ...none, text: 'Pings are ignored.', finish: 'end', usage: ANTHROPIC_SEEN },
  },
  {
    name: 'thinking, then tool_use',
    upstream: 'anthropic',
    reasoning: true,
    script: {
      kind: 'reply',
      content: [
        { type: 'thinking', thinking: 'I need the weather first.', signature: 'sig-1' },
        anthropicCall(WEATHER),
      ],
      usage: ANTHROPIC_USAGE,
    },
    expected: {
      ...none,
      reasoning: 'I need the weather first.',
      toolCalls: [asAnthropic(WEATHER)],
      finish: 'toolUse',
      usage: ANTHROPIC_SEEN,
    },
  },
  {
    name: 'final usage counters repeated in message_delta',
    upstream: 'anthropic',
    script: { kind: 'reply', text: 'Counted at the end.', cumulativeDeltaUsage: true, usage: ANTHROPIC_USAGE },
    expected: { ...none, text: 'Counted at the end.', finish: 'end', usage: ANTHROPIC_SEEN },
  },
];

function expectedTurn(driver: ClientDriver, expected: Expected): TurnResult {
  return {
    text: expected.text,
    toolCalls: expected.toolCalls,
    reasoning: expected.reasoning,
    finish: driver.finish[expected.finish],
    usage: usageSeenBy(driver, expected.usage),
  };
}

let gateway: DialectGateway;

function enqueue(golden: Golden): void {
  if (golden.upstream === 'openai') gateway.openaiUpstream.enqueue(golden.script);
  else gateway.anthropicUpstream.enqueue(golden.script);
}

/** Each client dialect and the provider type it reaches without translation. */
const DRIVERS = [
  { name: 'openai chat.completions', sameDialect: 'openai', make: () => chatDriver(gateway.harness.openai()) },
  { name: 'anthropic messages', sameDialect: 'anthropic', make: () => messagesDriver(gateway.harness.anthropic()) },
  { name: 'openai responses', sameDialect: undefined, make: () => responsesDriver(gateway.harness.openai()) },
];

describe('golden streams through the gateway', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(() => gateway.reset());

  describe.each(GOLDEN)('$name ($upstream upstream)', (golden) => {
    const translating = DRIVERS.filter((d) => d.sameDialect !== golden.upstream);
    it.each(translating)('reads the same through the $name SDK, streamed and not', async ({ make }) => {
      const driver = make();
      const model = MODELS[golden.upstream].name;
      const ask = { model, prompt: 'Weather and time in Paris?', tools: true, reasoning: golden.reasoning ?? false };
      enqueue(golden);
      const streamed = await driver.start(ask).send(true);
      enqueue(golden);
      const whole = await driver.start(ask).send(false);
      expect(streamed).toEqual(expectedTurn(driver, golden.expected));
      expect(whole).toEqual(streamed);
    });
  });
});
