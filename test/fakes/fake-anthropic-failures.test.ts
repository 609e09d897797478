import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic } from './fake-anthropic.js';

/** Errors and misbehaviours of the fake, as the official Anthropic SDK sees them. */
describe('FakeAnthropic failures read by the official @anthropic-ai/sdk', () => {
  let fake: FakeAnthropic;
  let client: Anthropic;
  const base = { model: 'claude-sonnet-4-6', max_tokens: 256, messages: [{ role: 'user' as const, content: 'hi' }] };

  beforeAll(async () => {
    fake = await FakeAnthropic.start();
    client = new Anthropic({ apiKey: fake.apiKey, baseURL: fake.baseUrl, maxRetries: 0 });
  });
  afterAll(() => fake.close());

  async function failure(promise: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Anthropic.APIError);
    return error as InstanceType<typeof Anthropic.APIError>;
  }

  it('answers 429 with rate_limit_error and retry-after as a RateLimitError', async () => {
    fake.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '7' } });
    const error = await failure(client.messages.create(base));
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error.headers?.get('retry-after')).toBe('7');
    expect(error.type).toBe('rate_limit_error');
    expect(error.requestID).toMatch(/^req_fake_/);
  });

  it('answers 529 with overloaded_error as an InternalServerError', async () => {
    fake.enqueue({ kind: 'error', status: 529 });
    const error = await failure(client.messages.create(base));
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect(error.status).toBe(529);
    expect(error.type).toBe('overloaded_error');
  });

  it('answers 500 with api_error and 400 with invalid_request_error', async () => {
    fake.enqueue({ kind: 'error', status: 500 }, { kind: 'error', status: 400, message: 'messages: bad' });
    const server = await failure(client.messages.create(base));
    expect(server).toBeInstanceOf(Anthropic.InternalServerError);
    expect(server.type).toBe('api_error');
    const bad = await failure(client.messages.create(base));
    expect(bad).toBeInstanceOf(Anthropic.BadRequestError);
    expect([bad.type, bad.apiMessage]).toEqual(['invalid_request_error', 'messages: bad']);
  });

  it('rejects a wrong x-api-key with 401 authentication_error', async () => {
    const stranger = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: fake.baseUrl, maxRetries: 0 });
    const error = await failure(stranger.messages.create(base));
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(error.type).toBe('authentication_error');
  });

  it('rejects a request without anthropic-version with 400', async () => {
    const response = await fetch(`${fake.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': fake.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify(base),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' },
    });
  });

  it('rejects what the real API rejects, before any scripted behaviour is used up', async () => {
    fake.enqueue({ kind: 'reply', text: 'kept for the valid request' });
    const { max_tokens: _, ...noMax } = base;
    const bodies = [
      noMax,
      { ...base, messages: [{ role: 'system', content: 'be nice' }, ...base.messages] },
      { ...base, thinking: { type: 'enabled', budget_tokens: 256 } },
      { ...base, temperature: 1.5 },
    ];
    for (const body of bodies) {
      const error = await failure(client.messages.create(body as unknown as Anthropic.MessageCreateParamsNonStreaming));
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    }
    const valid = await client.messages.create(base);
    expect(valid.content).toEqual([{ type: 'text', text: 'kept for the valid request' }]);
  });

  it('raises an APIError from an overloaded_error event in the middle of a stream', async () => {
    fake.enqueue({ kind: 'streamError', after: 4 });
    const received: string[] = [];
    const reading = (async () => {
      for await (const event of await client.messages.create({ ...base, stream: true })) received.push(event.type);
    })();
    const error = await failure(reading);
    expect(error.type).toBe('overloaded_error');
    expect(error.status).toBeUndefined();
    expect(received).toEqual(['message_start', 'content_block_start', 'content_block_delta']);

    fake.enqueue({ kind: 'streamError', after: 6, type: 'api_error', message: 'boom' });
    const streamed = await failure(client.messages.stream(base).finalMessage());
    expect([streamed.type, streamed.apiMessage]).toEqual(['api_error', 'boom']);
  });

  it('breaks a stream mid-way so the SDK fails instead of finishing', async () => {
    fake.enqueue({ kind: 'break', after: 5, reply: { kind: 'reply', text: 'a long answer that never ends' } });
    const received: string[] = [];
    const stream = client.messages.stream(base).on('text', (text) => received.push(text));
    await expect(stream.finalMessage()).rejects.toThrow();
    expect(received).toEqual(['a lo', 'ng a']);
  });

  it('stalls a stream mid-way and keeps the connection open until the client gives up', async () => {
    fake.enqueue({ kind: 'stall', after: 4 });
    const received: string[] = [];
    const signal = AbortSignal.timeout(300);
    const started = Date.now();
    for await (const event of await client.messages.create({ ...base, stream: true }, { signal })) {
      received.push(event.type);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(received).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
  });

  it('hangs until the SDK times out, and drops the connection as a connection error', async () => {
    fake.enqueue({ kind: 'hang' }, { kind: 'drop' });
    const hung = await failure(client.messages.create(base, { timeout: 200 }));
    expect(hung).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    const dropped = await failure(client.messages.create(base));
    expect(dropped).toBeInstanceOf(Anthropic.APIConnectionError);
    expect(dropped).not.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
  });
});
