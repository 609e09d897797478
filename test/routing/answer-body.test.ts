import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/**
 * A non-streamed answer is only worth relaying once its body has arrived: until the gateway sends it, no byte
 * has reached the client, so a body that stalls or breaks, or a 200 that is really an error, is a failure the
 * router may retry or fall back from like any other.
 */
describe('non-streamed answers whose body fails before the client got anything', () => {
  let primary: FakeOpenAI;
  let backup: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    primary = await FakeOpenAI.start({ name: 'primary' });
    backup = await FakeOpenAI.start({ name: 'backup' });
    const chain = (name: string) => ({
      name,
      targets: [
        { provider: 'primary', model: name },
        { provider: 'backup', model: name },
      ],
    });
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('primary', primary.baseUrl), fakeProvider('backup', backup.baseUrl)],
        routing: {
          timeout: { connect_ms: 1000, first_byte_ms: 1000, idle_stream_ms: 300, total_ms: 5000 },
          retries: { max_attempts: 2, backoff_ms: 20, max_backoff_ms: 50, respect_retry_after: true, budget_ms: 3000 },
          cooldown: { failures: 5, window_s: 30, cooldown_s: 30 },
        },
        models: [
          chain('stalled'),
          chain('broken'),
          chain('error-in-200'),
          chain('limited-in-200'),
          chain('html-200'),
          { name: 'solo-broken', targets: [{ provider: 'primary', model: 'solo-broken' }] },
          { name: 'refused-in-200', targets: [{ provider: 'primary', model: 'refused-in-200' }] },
        ],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await primary.close();
    await backup.close();
  });
  afterEach(() => {
    primary.setDefault({ kind: 'reply' });
  });

  const ask = (model: string) =>
    harness
      .openai()
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();

  const recordOf = async (response: Response) =>
    (await harness.records()).find((r) => r.id === response.headers.get('x-request-id'));

  it('relays an answer longer than what is read ahead (1 MiB) whole, with its usage', async () => {
    const text = 'x'.repeat(3 << 20);
    primary.enqueue({ kind: 'reply', text, usage: { prompt: 5, completion: 3 << 20 } });
    const { data, response } = await ask('stalled');
    expect(data.choices[0]?.message.content).toBe(text);
    expect(await recordOf(response)).toMatchObject({ status: 200, outputTokens: 3 << 20, errorCode: null });
  });

  it('falls back when the answer body stalls (idle_stream_ms) after its head arrived', async () => {
    primary.enqueue({ kind: 'stall', after: 0 });
    const { data, response } = await ask('stalled');
    expect(data.choices[0]?.message.content).toBe('Hello from backup');
    expect(response.headers.get('x-gateway-route')).toBe('fallback');
    expect((await recordOf(response))?.attempts[0]).toMatchObject({
      provider: 'primary',
      status: 200,
      errorClass: 'timeout',
      error: expect.stringContaining('stream stalled (idle timeout)'),
    });
  });

  it('falls back when the connection breaks in the middle of the answer body', async () => {
    primary.enqueue({ kind: 'break', after: 0 });
    const { data, response } = await ask('broken');
    expect(data.choices[0]?.message.content).toBe('Hello from backup');
    const record = await recordOf(response);
    expect(record).toMatchObject({ status: 200, provider: 'backup', routeMode: 'fallback', errorCode: null });
    expect(record?.attempts[0]).toMatchObject({ status: 200, errorClass: 'connection' });
  });

  it('retries the only target when its answer body breaks, and counts the failure against it', async () => {
    primary.enqueue({ kind: 'break', after: 0 });
    const { data, response } = await ask('solo-broken');
    expect(data.choices[0]?.message.content).toBe('Hello from primary');
    expect(response.headers.get('x-gateway-route')).toBe('retry');
    const { body } = await harness.admin('GET', '/providers');
    const target = body.data[0].targets.find((t: any) => t.model === 'solo-broken');
    expect(target.last_error.message).toMatch(/connection/);
  });

  it('falls back from a 200 whose body is not JSON (a proxy page), and names it in the attempt', async () => {
    primary.enqueue({
      kind: 'raw',
      status: 200,
      contentType: 'text/html',
      body: '<html><body>Gateway login</body></html>',
    });
    const { data, response } = await ask('html-200');
    expect(data.choices[0]?.message.content).toBe('Hello from backup');
    expect(response.headers.get('x-gateway-route')).toBe('fallback');
    expect((await recordOf(response))?.attempts[0]).toMatchObject({
      provider: 'primary',
      status: 200,
      errorClass: 'server_error',
      error: expect.stringContaining('an HTML or XML page where a JSON body was due (39 bytes)'),
    });
  });

  it('never quotes a 2xx body that is not JSON: described by shape and size, to the client and in the record', async () => {
    // Plain text from a 200 may be a model's answer: the only target fails, and nothing of its text goes anywhere.
    primary.enqueue({ kind: 'raw', status: 200, contentType: 'text/plain', body: 'the private diagnosis is' });
    primary.enqueue({ kind: 'raw', status: 200, contentType: 'text/plain', body: 'the private diagnosis is' });
    const failure = await harness
      .openai()
      .chat.completions.create({ model: 'refused-in-200', messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => undefined,
        (error: { status?: number; message?: string }) => error,
      );
    expect(failure?.status).toBe(502);
    expect(failure?.message).toMatch(/a body that is not JSON \(24 bytes\)/);
    expect(failure?.message).not.toMatch(/diagnosis/);
    const records = await harness.records(1);
    expect(JSON.stringify(records)).not.toMatch(/diagnosis/);
  });

  it('accepts a JSON answer that begins with a UTF-8 byte order mark, relayed without it', async () => {
    const answer = {
      id: 'c-bom',
      object: 'chat.completion',
      created: 1,
      model: 'html-200',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello with a BOM' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 3, total_tokens: 4 },
    };
    primary.enqueue({
      kind: 'raw',
      status: 200,
      contentType: 'application/json',
      body: `\uFEFF${JSON.stringify(answer)}`,
    });
    const { data, response } = await ask('html-200');
    expect(data.choices[0]?.message.content).toBe('Hello with a BOM');
    expect(response.headers.get('x-gateway-provider')).toBe('primary');
    expect(response.headers.get('x-gateway-route')).not.toBe('fallback');
    // Translated too: an Anthropic client reads the same answer.
    primary.enqueue({
      kind: 'raw',
      status: 200,
      contentType: 'application/json',
      body: `\uFEFF${JSON.stringify(answer)}`,
    });
    const message = await harness
      .anthropic()
      .messages.create({ model: 'html-200', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello with a BOM' });
  });

  it('falls back from a stream whose first event is not JSON', async () => {
    primary.enqueue({ kind: 'raw', status: 200, contentType: 'text/event-stream', body: 'data: upstream busy\n\n' });
    const { data: stream, response } = await harness
      .openai()
      .chat.completions.create({ model: 'html-200', stream: true, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect(response.headers.get('x-gateway-provider')).toBe('backup');
    expect((await recordOf(response))?.attempts[0]).toMatchObject({
      provider: 'primary',
      errorClass: 'server_error',
      error: expect.stringContaining('a body that is not JSON (13 bytes)'),
    });
  });

  it('treats a 200 whose body is an error object as a server error and falls back', async () => {
    primary.setDefault({
      kind: 'error',
      status: 200,
      body: { error: { message: 'Internal error while generating', type: 'server_error', code: null } },
    });
    const { data, response } = await ask('error-in-200');
    expect(data.choices[0]?.message.content).toBe('Hello from backup');
    expect((await recordOf(response))?.attempts[0]).toMatchObject({
      status: 200,
      errorClass: 'server_error',
      error: 'Internal error while generating',
    });
  });

  it("classifies an error inside a 200 by the HTTP status in its code, as OpenRouter's errors carry it", async () => {
    primary.setDefault({ kind: 'error', status: 200, body: { error: { code: 429, message: 'Rate limit exceeded' } } });
    const { response } = await ask('limited-in-200');
    expect((await recordOf(response))?.attempts[0]).toMatchObject({ errorClass: 'rate_limit' });
  });

  it("answers an error inside a 200 that blames the request as the upstream's 400 would be, as a streamed one is", async () => {
    // The SDKs take a 200 as a result: relayed as it came, this one read as a completion without choices.
    const refusal = { error: { code: 400, message: 'messages must not be empty' } };
    primary.setDefault({ kind: 'error', status: 200, body: refusal });
    const failure = await ask('refused-in-200').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('messages must not be empty');
    const id = (failure as InstanceType<typeof OpenAI.BadRequestError>).headers?.get('x-request-id');
    const record = await harness.recordWhere((r) => r.id === id);
    expect(record).toMatchObject({ status: 400, errorMessage: expect.stringContaining('messages must not be empty') });
    expect(record?.attempts).toEqual([expect.objectContaining({ status: 400, errorClass: 'client_error' })]);
  });

  it('takes a 400 from the error type when the document in the 200 names no status, for an Anthropic client too', async () => {
    primary.setDefault({
      kind: 'error',
      status: 200,
      body: { error: { message: 'Unknown parameter: foo', type: 'invalid_request_error' } },
    });
    const failure = await harness
      .anthropic()
      .messages.create({ model: 'refused-in-200', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.BadRequestError);
    expect((failure as InstanceType<typeof Anthropic.BadRequestError>).message).toContain('Unknown parameter: foo');
  });
});
