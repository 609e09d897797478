import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { closedPort } from '../support/closed-port.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

describe('the ordered fallback chain', () => {
  let primary: FakeOpenAI;
  let backup: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    primary = await FakeOpenAI.start({ name: 'primary', apiKey: 'sk-primary' });
    backup = await FakeOpenAI.start({ name: 'backup', apiKey: 'sk-backup' });
    const deadPort = await closedPort();
    harness = await GatewayHarness.start({
      config: {
        providers: [
          fakeProvider('primary', primary.baseUrl, 'sk-primary'),
          fakeProvider('backup', backup.baseUrl, 'sk-backup'),
          fakeProvider('dead', `http://127.0.0.1:${deadPort}/v1`),
        ],
        models: [
          {
            name: 'chat',
            targets: [
              { provider: 'primary', model: 'gpt-4o-mini' },
              { provider: 'backup', model: 'llama-3.1-8b' },
            ],
          },
          {
            name: 'chat-dead-first',
            targets: [
              { provider: 'dead', model: 'gpt-4o-mini' },
              { provider: 'backup', model: 'llama-3.1-8b' },
            ],
          },
          {
            name: 'chat-5xx',
            targets: [
              { provider: 'primary', model: 'model-5xx' },
              { provider: 'backup', model: 'llama-3.1-8b' },
            ],
          },
          {
            name: 'chat-4xx',
            targets: [
              { provider: 'primary', model: 'model-4xx' },
              { provider: 'backup', model: 'llama-3.1-8b' },
            ],
          },
          { name: 'solo', targets: [{ provider: 'primary', model: 'model-solo' }] },
        ],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await primary.close();
    await backup.close();
  });
  beforeEach(() => {
    primary.requests.length = 0;
    backup.requests.length = 0;
  });

  it('serves from the fallback when the primary answers 429, with the fallback model and route mode', async () => {
    primary.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '7' } });
    const { data, response } = await harness
      .openai()
      .chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello from backup');
    expect(response.headers.get('x-gateway-route')).toBe('fallback');
    expect(response.headers.get('x-gateway-provider')).toBe('backup');
    expect(response.headers.get('x-gateway-model')).toBe('llama-3.1-8b');
    expect((backup.requests[0]?.body as { model: string } | undefined)?.model).toBe('llama-3.1-8b');
    expect(backup.requests[0]?.headers.authorization).toBe('Bearer sk-backup');

    const [record] = await harness.records();
    expect(record).toMatchObject({
      routeMode: 'fallback',
      provider: 'backup',
      upstreamModel: 'llama-3.1-8b',
      status: 200,
    });
    expect(record?.attempts).toMatchObject([
      { provider: 'primary', model: 'gpt-4o-mini', status: 429, errorClass: 'rate_limit' },
      { provider: 'backup', model: 'llama-3.1-8b', status: 200 },
    ]);
  });

  it('falls back when the primary refuses the connection', async () => {
    const completion = await harness
      .openai()
      .chat.completions.create({ model: 'chat-dead-first', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]?.message.content).toBe('Hello from backup');
    const [record] = await harness.records();
    expect(record?.attempts[0]).toMatchObject({ provider: 'dead', status: 0, errorClass: 'connection' });
  });

  it('falls back on 5xx before any byte was sent, for streams too', async () => {
    primary.enqueue({ kind: 'error', status: 503 });
    const stream = await harness
      .openai()
      .chat.completions.create({ model: 'chat-5xx', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('one two three four five six');
    expect(backup.requests).toHaveLength(1);
  });

  it('returns a non-retryable 4xx from the upstream as it is, without trying the fallback', async () => {
    primary.enqueue({
      kind: 'error',
      status: 400,
      body: {
        error: {
          message: "'messages' must not be empty",
          type: 'invalid_request_error',
          param: 'messages',
          code: null,
        },
      },
    });
    const error = await harness
      .openai()
      .chat.completions.create({ model: 'chat-4xx', messages: [] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 400,
      param: 'messages',
      message: expect.stringContaining("'messages' must not be empty"),
    });
    expect(backup.requests).toHaveLength(0);
    const record = (await harness.records()).find((r) => r.requestedModel === 'chat-4xx');
    expect(record).toMatchObject({
      status: 400,
      errorCode: 'GW_ERR_UPSTREAM_REJECTED',
      errorMessage: "'messages' must not be empty",
      provider: 'primary',
    });
  });

  it('says what was tried when every target fails, with the last upstream status and retry-after', async () => {
    primary.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '30' } });
    const error = (await harness
      .openai()
      .chat.completions.create({ model: 'solo', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e)) as { status: number; message: string; headers: Headers };
    expect(error.status).toBe(429);
    expect(error.message).toMatch(
      /the only target failed: primary 429 \(rate_limit, cooling 30s: fake upstream error 429\)/,
    );
    expect(error.headers.get('retry-after')).toBe('30');
    expect(error.headers.get('x-gateway-attempts')).toBe('1');
  });
});

describe('a provider without an API key', () => {
  let harness: GatewayHarness;

  beforeAll(async () => {
    harness = await GatewayHarness.start({
      config: `
storage: "sqlite::memory:"
clients: [{ name: test-client, token: amg_test_client_token_0123456789 }]
providers:
  - { name: openai, type: openai, base_url: https://api.openai.com/v1, api_key: "\${AMG_TEST_UNSET_KEY:-}" }
models:
  - { name: gpt-4o-mini, targets: [{ provider: openai, model: gpt-4o-mini }] }
`,
    });
  });
  afterAll(() => harness.close());

  it('is reported as not configured and requests get a 503 naming the variable to set', async () => {
    const error = await harness
      .openai()
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, message: expect.stringContaining('AMG_TEST_UNSET_KEY') });
    const status = await harness.admin('GET', '/status');
    expect(status.body.providers[0]).toMatchObject({
      name: 'openai',
      configured: false,
      missing_env: 'AMG_TEST_UNSET_KEY',
    });
  });
});
