import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnthropicStopReason } from '../fakes/fake-anthropic.js';
import { chatDriver } from './support/chat-driver.js';
import type { ClientDriver } from './support/client-driver.js';
import { DialectGateway, MODELS } from './support/dialect-gateway.js';
import { messagesDriver } from './support/messages-driver.js';
import { responsesDriver } from './support/responses-driver.js';

/**
 * Every upstream stop reason as each client dialect reads it, streamed and not: Chat finish_reason, Anthropic
 * stop_reason, Responses status (incomplete with its reason when the answer was cut short).
 */

type Dialect = 'chat' | 'messages' | 'responses';

interface StopCase {
  upstream: 'openai' | 'anthropic' | 'gemini' | 'bedrock';
  reason: string;
  script(): void;
  seen: Record<Dialect, string>;
}

let gateway: DialectGateway;

const anthropicStop = (reason: AnthropicStopReason, stopSequence?: string) => () =>
  gateway.anthropicUpstream.enqueue({ kind: 'reply', text: 'Partial answ', stopReason: reason, stopSequence });
const openaiFinish = (reason: string) => () =>
  gateway.openaiUpstream.enqueue({ kind: 'reply', text: 'Partial answ', finishReason: reason });

const bedrockStop = (reason: string) => () =>
  gateway.bedrockUpstream.enqueue({ kind: 'reply', text: 'Partial answ', stopReason: reason });

const geminiFinish = (reason: string) => () =>
  gateway.geminiUpstream.enqueue({ kind: 'reply', text: 'Partial answ', finishReason: reason });

/** Gemini's policy stops: the content filter in every dialect, the text before the stop kept. */
const GEMINI_FILTERED = [
  'SAFETY',
  'RECITATION',
  'LANGUAGE',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
].map(
  (reason): StopCase => ({
    upstream: 'gemini',
    reason,
    script: geminiFinish(reason),
    seen: { chat: 'content_filter', messages: 'refusal', responses: 'incomplete:content_filter' },
  }),
);

const CASES: StopCase[] = [
  ...GEMINI_FILTERED,
  {
    upstream: 'gemini',
    reason: 'MAX_TOKENS',
    script: geminiFinish('MAX_TOKENS'),
    seen: { chat: 'length', messages: 'max_tokens', responses: 'incomplete:max_output_tokens' },
  },
  {
    upstream: 'gemini',
    reason: 'CONTINUATION',
    script: geminiFinish('CONTINUATION'),
    seen: { chat: 'length', messages: 'max_tokens', responses: 'incomplete:max_output_tokens' },
  },
  {
    upstream: 'gemini',
    reason: 'STOP',
    script: geminiFinish('STOP'),
    seen: { chat: 'stop', messages: 'end_turn', responses: 'completed' },
  },
  {
    upstream: 'anthropic',
    reason: 'max_tokens',
    script: anthropicStop('max_tokens'),
    seen: { chat: 'length', messages: 'max_tokens', responses: 'incomplete:max_output_tokens' },
  },
  {
    upstream: 'anthropic',
    reason: 'stop_sequence',
    script: anthropicStop('stop_sequence', 'END'),
    seen: { chat: 'stop', messages: 'stop_sequence', responses: 'completed' },
  },
  {
    upstream: 'anthropic',
    reason: 'refusal',
    script: anthropicStop('refusal'),
    seen: { chat: 'content_filter', messages: 'refusal', responses: 'incomplete:content_filter' },
  },
  {
    upstream: 'anthropic',
    reason: 'pause_turn',
    script: anthropicStop('pause_turn'),
    seen: { chat: 'stop', messages: 'pause_turn', responses: 'completed' },
  },
  {
    // Anthropic's own stop for a filled context window (StopReason in the SDK since 2026-07); the other
    // dialects have only their "out of room" stop for it.
    upstream: 'anthropic',
    reason: 'model_context_window_exceeded',
    script: anthropicStop('model_context_window_exceeded'),
    seen: { chat: 'length', messages: 'model_context_window_exceeded', responses: 'incomplete:max_output_tokens' },
  },
  {
    upstream: 'bedrock',
    reason: 'model_context_window_exceeded',
    script: bedrockStop('model_context_window_exceeded'),
    seen: { chat: 'length', messages: 'model_context_window_exceeded', responses: 'incomplete:max_output_tokens' },
  },
  {
    upstream: 'bedrock',
    reason: 'max_tokens',
    script: bedrockStop('max_tokens'),
    seen: { chat: 'length', messages: 'max_tokens', responses: 'incomplete:max_output_tokens' },
  },
  {
    upstream: 'openai',
    reason: 'length',
    script: openaiFinish('length'),
    seen: { chat: 'length', messages: 'max_tokens', responses: 'incomplete:max_output_tokens' },
  },
  {
    upstream: 'openai',
    reason: 'content_filter',
    script: openaiFinish('content_filter'),
    seen: { chat: 'content_filter', messages: 'refusal', responses: 'incomplete:content_filter' },
  },
  {
    upstream: 'openai',
    reason: 'stop',
    script: openaiFinish('stop'),
    seen: { chat: 'stop', messages: 'end_turn', responses: 'completed' },
  },
];

const DRIVERS: Array<{ name: string; dialect: Dialect; make: () => ClientDriver }> = [
  { name: 'openai chat.completions', dialect: 'chat', make: () => chatDriver(gateway.harness.openai()) },
  { name: 'anthropic messages', dialect: 'messages', make: () => messagesDriver(gateway.harness.anthropic()) },
  { name: 'openai responses', dialect: 'responses', make: () => responsesDriver(gateway.harness.openai()) },
];

describe('stop reasons across dialects', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(() => gateway.reset());

  describe.each(CASES)('$upstream $reason', (stopCase) => {
    it.each(DRIVERS)('reads as the $name SDK expects, streamed and not', async ({ dialect, make }) => {
      const driver = make();
      const ask = { model: MODELS[stopCase.upstream].name, prompt: 'Go on' };
      for (const stream of [false, true]) {
        stopCase.script();
        const turn = await driver.start(ask).send(stream);
        expect({ stream, finish: turn.finish, text: turn.text }).toEqual({
          stream,
          finish: stopCase.seen[dialect],
          text: 'Partial answ',
        });
      }
    });
  });
});

/**
 * Anthropic's answer names the stop sequence that ended it (`stop_sequence`), and a Messages client may read it.
 * Converse says only `stop_sequence`; the gateway asks Claude on Bedrock for the sequence itself
 * (`additionalModelResponseFieldPaths: ["/stop_sequence"]`), so the client reads it there too.
 */
describe('the matched stop sequence, from Claude on Bedrock', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => {
    await gateway.close();
  });

  it.each([false, true])('reaches an Anthropic SDK client (stream: %s)', async (stream) => {
    gateway.bedrockUpstream.enqueue({
      kind: 'reply',
      text: 'Partial answ',
      stopReason: 'stop_sequence',
      stopSequence: '###',
    });
    const params = {
      model: MODELS.bedrock.name,
      max_tokens: 100,
      stop_sequences: ['END', '###'],
      messages: [{ role: 'user' as const, content: 'Go on' }],
    };
    const client = gateway.harness.anthropic();
    const message = stream ? await client.messages.stream(params).finalMessage() : await client.messages.create(params);
    expect({ reason: message.stop_reason, sequence: message.stop_sequence }).toEqual({
      reason: 'stop_sequence',
      sequence: '###',
    });
  });
});
