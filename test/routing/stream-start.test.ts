import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic } from '../fakes/fake-anthropic.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/**
 * A stream whose upstream fails before its first event has sent the client nothing yet: the gateway holds
 * the client's response head until the first event arrives, so such a failure falls back like an error
 * status. After the first event, a failure still ends the client's stream with an error event.
 */
describe('streams that fail before their first event', () => {
  let primary: FakeOpenAI;
  let backup: FakeOpenAI;
  let claude: FakeAnthropic;
  let harness: GatewayHarness;

  beforeAll(async () => {
    primary = await FakeOpenAI.start({ name: 'primary' });
    backup = await FakeOpenAI.start({ name: 'backup' });
    claude = await FakeAnthropic.start();
    const chain = (name: string, first = 'primary') => ({
      name,
      targets: [
        { provider: first, model: name },
        { provider: 'backup', model: name },
      ],
    });
    harness = await GatewayHarness.start({
      config: {
        providers: [
          fakeProvider('primary', primary.baseUrl),
          fakeProvider('backup', backup.baseUrl),
          fakeProvider('claude', claude.baseUrl, claude.apiKey, 'anthropic'),
        ],
        routing: {
          timeout: { connect_ms: 1000, first_byte_ms: 1000, idle_stream_ms: 300, total_ms: 5000 },
          cooldown: { failures: 5, window_s: 30, cooldown_s: 30 },
        },
        models: [
          chain('error-first'),
          chain('broken-first'),
          chain('stalled-first'),
          chain('error-later'),
          chain('claude-overloaded', 'claude'),
          chain('json-error-200'),
          chain('json-limit-200'),
          chain('json-invalid-200'),
          chain('json-invalid-type-200'),
        ],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await primary.close();
    await backup.close();
    await claude.close();
  });
  afterEach(() => {
    primary.setDefault({ kind: 'reply' });
  });

  async function streamText(model: string) {
    const { data, response } = await harness
      .openai()
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
    const record = (await harness.records()).find((r) => r.id === response.headers.get('x-request-id'));
    return { text, response, record };
  }

  it('falls back when the first event of the stream is an in-band error', async () => {
    primary.enqueue({ kind: 'streamError', after: 0, message: 'The model is overloaded' });
    const { text, response, record } = await streamText('error-first');
    expect(text).toBe('one two three four five six');
    expect(response.headers.get('x-gateway-provider')).toBe('backup');
    expect(record).toMatchObject({ status: 200, routeMode: 'fallback', errorCode: null });
    expect(record?.attempts[0]).toMatchObject({
      provider: 'primary',
      status: 200,
      errorClass: 'server_error',
      error: 'The model is overloaded',
    });
  });

  it('falls back when the connection breaks before the first event', async () => {
    primary.enqueue({ kind: 'break', after: 0 });
    const { text, record } = await streamText('broken-first');
    expect(text).toBe('one two three four five six');
    expect(record?.attempts[0]).toMatchObject({ status: 200, errorClass: 'connection' });
  });

  it('falls back when no event arrives within idle_stream_ms', async () => {
    primary.enqueue({ kind: 'stall', after: 0 });
    const { text, record } = await streamText('stalled-first');
    expect(text).toBe('one two three four five six');
    expect(record?.attempts[0]).toMatchObject({ status: 200, errorClass: 'timeout' });
  });

  it('falls back from an Anthropic stream that opens with an overloaded_error event', async () => {
    claude.enqueue({ kind: 'streamError', after: 0, type: 'overloaded_error', message: 'Overloaded' });
    const stream = await harness.anthropic().messages.create({
      model: 'claude-overloaded',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    expect(text).toBe('one two three four five six');
    const [record] = await harness.records();
    expect(record?.attempts.map((a) => [a.provider, a.errorClass ?? null])).toEqual([
      ['claude', 'server_error'],
      ['backup', null],
    ]);
  });

  it('still ends a stream that fails after its first event with an error, without trying another target', async () => {
    primary.enqueue({ kind: 'streamError', after: 2, message: 'The model crashed' });
    const before = backup.requests.length;
    await expect(streamText('error-later')).rejects.toThrow(/The model crashed/);
    expect(backup.requests.length).toBe(before);
  });

  describe('a 200 whose body is a JSON error document where the stream was due', () => {
    it('falls back, the attempt classed and worded by that error, not as a stream that ended early', async () => {
      primary.enqueue({
        kind: 'error',
        status: 200,
        body: { error: { message: 'Internal error while generating', type: 'server_error', code: null } },
      });
      const { text, record } = await streamText('json-error-200');
      expect(text).toBe('one two three four five six');
      expect(record?.attempts[0]).toMatchObject({
        provider: 'primary',
        status: 200,
        errorClass: 'server_error',
        error: 'Internal error while generating',
      });
    });

    it("classes it by the HTTP status in its code (OpenRouter's shape): a rate limit", async () => {
      primary.enqueue({ kind: 'error', status: 200, body: { error: { code: 429, message: 'Rate limit exceeded' } } });
      const { record } = await streamText('json-limit-200');
      expect(record?.attempts[0]).toMatchObject({ errorClass: 'rate_limit', error: 'Rate limit exceeded' });
    });

    it("answers one that blames the request as the upstream's 400 would be: the client's error, no fallback", async () => {
      const message = "Invalid 'messages[1].tool_call_id': no tool call has this id";
      primary.enqueue({
        kind: 'error',
        status: 200,
        body: { error: { code: 400, message, type: 'invalid_request_error' } },
      });
      const before = backup.requests.length;
      const failure = await streamText('json-invalid-200').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
      expect((failure as InstanceType<typeof OpenAI.BadRequestError>).message).toContain(message);
      expect(backup.requests.length).toBe(before);
      const [record] = await harness.records();
      expect(record).toMatchObject({ status: 400 });
      expect(record?.attempts).toEqual([
        expect.objectContaining({ provider: 'primary', status: 400, errorClass: 'client_error' }),
      ]);
    });

    it('takes a 400 from the type when the document names no status', async () => {
      primary.enqueue({
        kind: 'error',
        status: 200,
        body: { error: { message: 'Unknown parameter', type: 'invalid_request_error' } },
      });
      await expect(streamText('json-invalid-type-200')).rejects.toBeInstanceOf(OpenAI.BadRequestError);
      const [record] = await harness.records();
      expect(record?.attempts).toEqual([expect.objectContaining({ status: 400, errorClass: 'client_error' })]);
    });
  });
});
