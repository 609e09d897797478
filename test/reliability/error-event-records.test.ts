import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic } from '../fakes/fake-anthropic.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/**
 * An upstream that reports its failure mid-stream (Anthropic's `event: error` overloaded_error, OpenAI's
 * `data: {"error": ...}`) ends the stream: the client gets its dialect's error event, and the official SDKs
 * close the connection as soon as they read it. That close is the client done with a failed answer, not a
 * client hanging up: the record keeps the upstream's failure (status 200, GW_ERR_UPSTREAM_STREAM, the attempt a
 * `stream_error`), never a 499 that would hide it from the breaker, the metrics and the publish guard.
 */
describe("an upstream's error event mid-stream, as each client dialect reads it", () => {
  let claude: FakeAnthropic;
  let openai: FakeOpenAI;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    claude = await FakeAnthropic.start();
    openai = await FakeOpenAI.start();
    gateway = await GatewayHarness.start({
      config: {
        providers: [
          fakeProvider('claude', claude.baseUrl, claude.apiKey, 'anthropic'),
          fakeProvider('oa', openai.baseUrl),
        ],
        models: [
          { name: 'claude', targets: [{ provider: 'claude', model: 'claude-sonnet-4-5' }] },
          { name: 'oa', targets: [{ provider: 'oa', model: 'gpt-4o' }] },
        ],
        routing: { retries: { max_attempts: 1 }, cooldown: { failures: 100, window_s: 30, cooldown_s: 30 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await claude.close();
    await openai.close();
  });

  /** The record of the request `id`, once the response closed and the record was written. */
  const recordOf = (id: string | null) => gateway.recordWhere((r) => r.id === id);

  async function viaChat(model: string) {
    const { data, response } = await gateway
      .openai()
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], stream: true })
      .withResponse();
    let text = '';
    const error = await (async () => {
      for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: Error) => e);
    return { text, error, record: await recordOf(response.headers.get('x-request-id')) };
  }

  async function viaMessages(model: string) {
    const { data, response } = await gateway
      .anthropic()
      .messages.create({ model, max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    let text = '';
    const error = await (async () => {
      for await (const event of data) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      }
    })().catch((e: Error) => e);
    return { text, error, record: await recordOf(response.headers.get('x-request-id')) };
  }

  async function viaResponses(model: string) {
    const { data, response } = await gateway
      .openai()
      .responses.create({ model, input: 'hi', stream: true })
      .withResponse();
    let text = '';
    const error = await (async () => {
      for await (const event of data) if (event.type === 'response.output_text.delta') text += event.delta;
    })().catch((e: Error) => e);
    return { text, error, record: await recordOf(response.headers.get('x-request-id')) };
  }

  const failedUpstream = (message: RegExp) => ({
    status: 200,
    errorCode: 'GW_ERR_UPSTREAM_STREAM',
    errorMessage: expect.stringMatching(message),
    attempts: [expect.objectContaining({ status: 200, errorClass: 'stream_error' })],
  });

  for (const [dialect, call] of [
    ['Chat Completions (translated)', viaChat],
    ['Messages (passthrough)', viaMessages],
    ['Responses (translated)', viaResponses],
  ] as const) {
    it(`Anthropic overloaded_error after the first words, ${dialect} client`, async () => {
      claude.enqueue({
        kind: 'streamError',
        after: 4,
        type: 'overloaded_error',
        message: 'Overloaded',
        endDelayMs: 200,
      });
      const { text, error, record } = await call('claude');
      expect(text.length).toBeGreaterThan(0);
      expect(String(error)).toMatch(/Overloaded/);
      expect(record).toMatchObject(failedUpstream(/Overloaded/));
      expect(record.inputTokens).toBeGreaterThan(0);
    });
  }

  for (const [dialect, call] of [
    ['Chat Completions (passthrough)', viaChat],
    ['Messages (translated)', viaMessages],
    ['Responses (translated)', viaResponses],
  ] as const) {
    it(`OpenAI in-band error after the first words, ${dialect} client`, async () => {
      openai.enqueue({
        kind: 'streamError',
        after: 2,
        message: 'The server had an error while processing your request.',
        endDelayMs: 200,
      });
      const { text, error, record } = await call('oa');
      expect(text.length).toBeGreaterThan(0);
      expect(String(error)).toMatch(/server had an error/);
      expect(record).toMatchObject(failedUpstream(/server had an error/));
    });
  }
});
