import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DialectGateway, MODELS } from '../dialects/support/dialect-gateway.js';

/** A chain across cloud provider types: each failure falls back to another type, its model rewritten. */
const BEDROCK_THEN_AZURE = {
  name: 'cloud-chain',
  targets: [
    { provider: 'bed', model: MODELS.bedrock.upstream },
    { provider: 'az', model: MODELS.azure.upstream },
  ],
};
const GEMINI_THEN_BEDROCK = {
  name: 'cloud-chain-2',
  targets: [
    { provider: 'gem', model: MODELS.gemini.upstream },
    { provider: 'bed', model: MODELS.bedrock.upstream },
  ],
};

let gateway: DialectGateway;

describe('fallback across cloud provider types', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start([BEDROCK_THEN_AZURE, GEMINI_THEN_BEDROCK]);
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(async () => {
    gateway.reset();
    await gateway.skipRecords();
  });

  it('serves an Anthropic client from Azure when Bedrock throttles, and records the route', async () => {
    gateway.bedrockUpstream.enqueue({
      kind: 'error',
      status: 429,
      exception: 'ThrottlingException',
      message: 'Too many requests, please wait before trying again.',
    });
    gateway.azureUpstream.enqueue({ kind: 'reply', text: 'Served by Azure.' });
    const { data, response } = await gateway.harness
      .anthropic()
      .messages.create({ model: BEDROCK_THEN_AZURE.name, max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(data.content).toEqual([{ type: 'text', text: 'Served by Azure.' }]);
    expect(response.headers.get('x-gateway-route')).toBe('fallback');
    expect(response.headers.get('x-gateway-provider')).toBe('az');
    expect(response.headers.get('x-gateway-model')).toBe(MODELS.azure.upstream);
    expect(gateway.bedrockUpstream.chatRequests()).toHaveLength(1);
    const azure = gateway.azureUpstream.requests.at(-1);
    expect(azure?.path).toBe(`/openai/deployments/${MODELS.azure.upstream}/chat/completions?api-version=2024-10-21`);
    expect(azure?.body).toMatchObject({ model: MODELS.azure.upstream, messages: [{ role: 'user', content: 'Hi' }] });
    const record = await gateway.nextRecord();
    expect(record).toMatchObject({
      status: 200,
      routeMode: 'fallback',
      provider: 'az',
      upstreamModel: MODELS.azure.upstream,
    });
    expect(record.attempts.map((a) => [a.provider, a.status])).toEqual([
      ['bed', 429],
      ['az', 200],
    ]);
  });

  it.each([
    {
      why: 'the model failed (424 ModelErrorException)',
      status: 424,
      exception: 'ModelErrorException',
      message: 'The system encountered an unexpected error during processing. Try your request again.',
      errorClass: 'server_error',
    },
    {
      why: 'the account is over its quota (400 ServiceQuotaExceededException)',
      status: 400,
      exception: 'ServiceQuotaExceededException',
      message: 'Your request exceeds the service quota for your account. You can resubmit your request later.',
      errorClass: 'rate_limit',
    },
  ])('falls back to Azure when Bedrock says $why, no fault of the request', async (fault) => {
    const { status, exception, message, errorClass } = fault;
    gateway.bedrockUpstream.enqueue({ kind: 'error', status, exception, message });
    gateway.azureUpstream.enqueue({ kind: 'reply', text: 'Served by Azure.' });
    const completion = await gateway.harness
      .openai()
      .chat.completions.create({ model: BEDROCK_THEN_AZURE.name, messages: [{ role: 'user', content: 'Hi' }] });
    expect(completion.choices[0]?.message.content).toBe('Served by Azure.');
    const record = await gateway.nextRecord();
    expect(record.attempts.map((a) => [a.provider, a.status, a.errorClass ?? null])).toEqual([
      ['bed', status, errorClass],
      ['az', 200, null],
    ]);
  });

  it('streams to an OpenAI client from Bedrock when Gemini is unavailable', async () => {
    gateway.geminiUpstream.enqueue({
      kind: 'error',
      status: 503,
      message: 'The model is overloaded.',
      googleStatus: 'UNAVAILABLE',
    });
    gateway.bedrockUpstream.enqueue({ kind: 'reply', text: 'Served by Bedrock.', usage: { input: 4, output: 3 } });
    const stream = await gateway.harness.openai().chat.completions.create({
      model: GEMINI_THEN_BEDROCK.name,
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Served by Bedrock.');
    expect(usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 3 });
    const record = await gateway.nextRecord();
    expect(record).toMatchObject({ routeMode: 'fallback', provider: 'bed', upstreamModel: MODELS.bedrock.upstream });
    expect(record.attempts.map((a) => [a.provider, a.status])).toEqual([
      ['gem', 503],
      ['bed', 200],
    ]);
  });

  it('falls back to Azure when a Bedrock stream begins with a throttlingException, before the client sees a byte', async () => {
    gateway.bedrockUpstream.enqueue({
      kind: 'streamError',
      after: 0,
      exception: 'throttlingException',
      message: 'Too many tokens, please wait before trying again.',
    });
    gateway.azureUpstream.enqueue({ kind: 'reply', text: 'Served by Azure.' });
    const stream = await gateway.harness
      .anthropic()
      .messages.create({
        model: BEDROCK_THEN_AZURE.name,
        max_tokens: 100,
        stream: true,
        messages: [{ role: 'user', content: 'Hi' }],
      })
      .withResponse();
    expect(stream.response.headers.get('x-gateway-route')).toBe('fallback');
    let text = '';
    for await (const event of stream.data) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    expect(text).toBe('Served by Azure.');
    const record = await gateway.nextRecord();
    expect(record).toMatchObject({ status: 200, routeMode: 'fallback', provider: 'az' });
    expect(record.attempts.map((a) => a.provider)).toEqual(['bed', 'az']);
    expect(record.attempts[0]?.errorClass).toBe('rate_limit');
    expect(record.attempts[1]?.errorClass ?? null).toBeNull();
    expect(record.attempts[0]?.error).toMatch(/throttlingException: Too many tokens/);
  });

  it('relays a Bedrock stream whose exception comes after its first event as the client dialect’s error', async () => {
    gateway.bedrockUpstream.enqueue({
      kind: 'streamError',
      after: 2,
      exception: 'modelStreamErrorException',
      message: 'The model stream broke.',
    });
    const stream = await gateway.harness.openai().chat.completions.create({
      model: BEDROCK_THEN_AZURE.name,
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toThrow(/The model stream broke/);
    expect(gateway.azureUpstream.requests).toHaveLength(0);
  });

  it('falls back from a Gemini 429 with a long retry-after to Bedrock at once, for a Responses client', async () => {
    gateway.geminiUpstream.enqueue({
      kind: 'error',
      status: 429,
      message: 'Resource has been exhausted (e.g. check quota).',
      googleStatus: 'RESOURCE_EXHAUSTED',
      headers: { 'retry-after': '120' },
      retryDelay: '120s',
    });
    gateway.bedrockUpstream.enqueue({ kind: 'reply', text: 'Served by Bedrock.' });
    const started = Date.now();
    const response = await gateway.harness.openai().responses.create({ model: GEMINI_THEN_BEDROCK.name, input: 'Hi' });
    expect(response.output_text).toBe('Served by Bedrock.');
    // The fallback does not wait out Gemini's retry delay.
    expect(Date.now() - started).toBeLessThan(10_000);
    const record = await gateway.nextRecord();
    expect(record).toMatchObject({ routeMode: 'fallback', provider: 'bed' });
    expect(record.attempts.map((a) => [a.provider, a.status, a.errorClass ?? null])).toEqual([
      ['gem', 429, 'rate_limit'],
      ['bed', 200, null],
    ]);
  });

  it('answers an Anthropic client 429 in its own shape when every cloud in the chain throttles', async () => {
    gateway.geminiUpstream.enqueue({
      kind: 'error',
      status: 429,
      message: 'Resource has been exhausted (e.g. check quota).',
      googleStatus: 'RESOURCE_EXHAUSTED',
      retryDelay: '7s',
    });
    gateway.bedrockUpstream.enqueue({
      kind: 'error',
      status: 429,
      exception: 'ThrottlingException',
      message: 'Too many requests, please wait before trying again.',
    });
    const error = await gateway.harness
      .anthropic()
      .messages.create({ model: GEMINI_THEN_BEDROCK.name, max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] })
      .then(
        () => undefined,
        (e: unknown) => e as { status?: number; error?: unknown },
      );
    expect(error?.status).toBe(429);
    // Gemini is either tried again or skipped while it cools down from the test above: named either way.
    expect(error?.error).toMatchObject({
      type: 'error',
      error: {
        type: 'rate_limit_error',
        message: expect.stringMatching(/^all 2 targets failed: gem .*429.*, bed 429 /),
      },
    });
    const record = await gateway.nextRecord();
    expect(record.status).toBe(429);
    expect(record.attempts.at(-1)).toMatchObject({ provider: 'bed', status: 429, errorClass: 'rate_limit' });
  });
});
