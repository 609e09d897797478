import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGemini } from '../fakes/fake-gemini.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { GatewayHarness } from '../support/gateway-harness.js';

/**
 * Gemini finish reasons that mean the answer is broken (a malformed function call, a call to an undeclared
 * tool, a cut run of calls, "other"): no client dialect can express them as a stop, so they are the upstream's
 * failure, retried and fallen back from while nothing has reached the client, and an error for it otherwise.
 */
describe('gemini failed finishes', () => {
  let gemini: FakeGemini;
  let openai: FakeOpenAI;
  let gateway: GatewayHarness;
  const malformed = 'Malformed function call: print(default_api.get_weather(city=Paris))';

  beforeAll(async () => {
    gemini = await FakeGemini.start();
    openai = await FakeOpenAI.start({ name: 'fake-openai' });
    gateway = await GatewayHarness.start({
      config: {
        providers: [
          {
            name: 'google',
            type: 'gemini',
            base_url: gemini.baseUrl,
            api_key: gemini.apiKey,
            allow_private_network: true,
          },
          {
            name: 'oai',
            type: 'openai',
            base_url: openai.baseUrl,
            api_key: openai.apiKey,
            allow_private_network: true,
          },
        ],
        models: [
          { name: 'flash', targets: [{ provider: 'google', model: 'gemini-2.5-flash' }] },
          {
            name: 'flash-or-gpt',
            targets: [
              { provider: 'google', model: 'gemini-2.5-flash' },
              { provider: 'oai', model: 'gpt-4o-mini' },
            ],
          },
        ],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await gemini.close();
    await openai.close();
  });

  it.each(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS', 'OTHER'])(
    'answers %s with a 502 naming it, to an OpenAI and an Anthropic client',
    async (reason) => {
      gemini.enqueue({ kind: 'reply', finishReason: reason, finishMessage: malformed });
      const chat = await gateway
        .openai()
        .chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'weather?' }] })
        .then(
          () => undefined,
          (e: unknown) => e as { status: number; message: string },
        );
      expect(chat?.status).toBe(502);
      expect(chat?.message).toContain(`finishReason ${reason}`);
      // Google's finishMessage quotes the model's output, which no error text keeps (stop-reason.ts).
      expect(chat?.message).not.toContain('Malformed function call');
      gemini.enqueue({ kind: 'reply', finishReason: reason });
      const messages = await gateway
        .anthropic()
        .messages.create({ model: 'flash', max_tokens: 50, messages: [{ role: 'user', content: 'weather?' }] })
        .then(
          () => undefined,
          (e: unknown) => e as { status: number; message: string },
        );
      expect(messages?.status).toBe(502);
      expect(messages?.message).toContain(reason);
      const [record] = await gateway.records(2);
      expect(record?.attempts).toEqual([expect.objectContaining({ status: 200, errorClass: 'server_error' })]);
    },
  );

  it('falls back to the next target when Gemini writes a malformed function call, streamed and not', async () => {
    for (const stream of [false, true]) {
      gemini.enqueue({ kind: 'reply', finishReason: 'MALFORMED_FUNCTION_CALL', finishMessage: malformed });
      openai.enqueue({ kind: 'reply', text: 'From the fallback.' });
      const params = { model: 'flash-or-gpt', messages: [{ role: 'user' as const, content: 'weather?' }] };
      let text = '';
      if (stream) {
        for await (const chunk of await gateway.openai().chat.completions.create({ ...params, stream: true })) {
          text += chunk.choices[0]?.delta.content ?? '';
        }
      } else {
        text = (await gateway.openai().chat.completions.create(params)).choices[0]?.message.content ?? '';
      }
      expect({ stream, text }).toEqual({ stream, text: 'From the fallback.' });
      const [record] = await gateway.records(1);
      expect(record?.routeMode).toBe('fallback');
      expect(record?.attempts.map((a) => [a.provider, a.errorClass])).toEqual([
        ['google', 'server_error'],
        ['oai', undefined],
      ]);
    }
  });

  it('takes an answer with no candidate and no block reason as a failure, streamed and not, never an empty stop', async () => {
    for (const stream of [false, true]) {
      // Alone: the client's error, as a stream that ends without a finish reason has always been.
      gemini.enqueue({ kind: 'reply', noCandidate: true });
      const params = { model: 'flash', messages: [{ role: 'user' as const, content: 'hi' }] };
      const failure = await (async () => {
        if (!stream) return gateway.openai().chat.completions.create(params);
        for await (const _ of await gateway.openai().chat.completions.create({ ...params, stream: true })) {
          // drained
        }
      })().catch((error: unknown) => error);
      expect([stream, failure]).toEqual([stream, expect.any(OpenAI.APIError)]);
      // With a fallback: the next target answers.
      gemini.enqueue({ kind: 'reply', noCandidate: true });
      openai.enqueue({ kind: 'reply', text: 'From the fallback.' });
      const answer = await gateway.openai().chat.completions.create({ ...params, model: 'flash-or-gpt' });
      expect(answer.choices[0]?.message.content).toBe('From the fallback.');
    }
  });

  it('fails a stream whose first event has no candidate before any byte is sent, so the fallback answers', async () => {
    gemini.enqueue({ kind: 'reply', noCandidate: true });
    openai.enqueue({ kind: 'reply', text: 'From the fallback.' });
    let text = '';
    const stream = await gateway.openai().chat.completions.create({
      model: 'flash-or-gpt',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('From the fallback.');
    const [record] = await gateway.records(1);
    expect(record?.attempts.map((a) => [a.provider, a.errorClass])).toEqual([
      ['google', 'server_error'],
      ['oai', undefined],
    ]);
    // Alone: an error status, not a 200 stream that breaks.
    gemini.enqueue({ kind: 'reply', noCandidate: true });
    const failure = await gateway
      .anthropic()
      .messages.create({ model: 'flash', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => undefined,
        (e: unknown) => e as { status?: number; message: string },
      );
    expect(failure?.status).toBe(502);
    expect(failure?.message).toContain('no candidate');
  });

  it('reads a stream whose only event is a blocked prompt as the content filter, as the whole answer reads', async () => {
    for (const stream of [false, true]) {
      gemini.enqueue({ kind: 'reply', blockReason: 'PROHIBITED_CONTENT' });
      const params = { model: 'flash', max_tokens: 50, messages: [{ role: 'user' as const, content: 'hi' }] };
      const message = stream
        ? await gateway.anthropic().messages.stream(params).finalMessage()
        : await gateway.anthropic().messages.create(params);
      expect({ stream, stop: message.stop_reason, content: message.content }).toEqual({
        stream,
        stop: 'refusal',
        content: [],
      });
    }
  });

  it('ends a stream whose text already went out with the dialect’s error event, not a stop', async () => {
    gemini.enqueue({ kind: 'reply', text: 'Let me call the tool', finishReason: 'MALFORMED_FUNCTION_CALL' });
    const stream = await gateway
      .openai()
      .chat.completions.create({ model: 'flash', stream: true, messages: [{ role: 'user', content: 'weather?' }] });
    let text = '';
    const finishes: Array<string | null | undefined> = [];
    const failure = await (async () => {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
      }
    })().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(text).toBe('Let me call the tool');
    expect(finishes).toEqual([]);
    expect(failure?.message).toContain('MALFORMED_FUNCTION_CALL');

    gemini.enqueue({ kind: 'reply', text: 'Let me call the tool', finishReason: 'MALFORMED_FUNCTION_CALL' });
    const events: string[] = [];
    const anthropicFailure = await (async () => {
      const messages = gateway.anthropic().messages.stream({
        model: 'flash',
        max_tokens: 50,
        messages: [{ role: 'user', content: 'weather?' }],
      });
      for await (const event of messages) events.push(event.type);
    })().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(events).not.toContain('message_stop');
    expect(anthropicFailure?.message).toContain('MALFORMED_FUNCTION_CALL');
  });
});
