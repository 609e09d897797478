import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAzureOpenAI } from '../fakes/fake-azure-openai.js';
import { GatewayHarness } from '../support/gateway-harness.js';

const KEY = 'azure-content-filter-key-0123456789';

/**
 * Azure refuses a prompt its content filter blocks with a 400 (code content_filter). That is neither the
 * client's malformed request nor an upstream outage: it is recorded as content_filter, reaches each client in
 * its own error shape, and never cools a target, whether the route falls back on it or not.
 */
describe('azure-openai content-filter refusals', () => {
  let azure: FakeAzureOpenAI;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    azure = await FakeAzureOpenAI.start({ apiKey: KEY });
    const provider = (name: string) => ({
      name,
      type: 'azure-openai',
      base_url: azure.endpoint,
      api_key: KEY,
      allow_private_network: true,
    });
    gateway = await GatewayHarness.start({
      config: {
        providers: [provider('az'), provider('az-first'), provider('az-second')],
        models: [
          { name: 'plain', targets: [{ provider: 'az', model: 'gpt4o-prod' }] },
          {
            name: 'falls-back',
            targets: [
              { provider: 'az-first', model: 'gpt4o-prod' },
              { provider: 'az-second', model: 'gpt4o-prod' },
            ],
            fallback_on: ['server_error', 'content_filter'],
          },
        ],
        routing: { retries: { max_attempts: 1 }, cooldown: { failures: 2, window_s: 60, cooldown_s: 60 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await azure.close();
  });

  it('records a filtered prompt as content_filter on a route without fallback, and relays Azure’s error as it came', async () => {
    azure.enqueue(FakeAzureOpenAI.contentFilterError());
    const error = await gateway
      .openai()
      .chat.completions.create({ model: 'plain', messages: [{ role: 'user', content: 'bad' }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 'content_filter', param: 'prompt' });
    const [record] = await gateway.records(1);
    expect(record).toMatchObject({ status: 400, provider: 'az' });
    expect(record?.attempts).toMatchObject([{ provider: 'az', status: 400, errorClass: 'content_filter' }]);
  });

  it('keeps an ordinary 400 a client_error', async () => {
    azure.enqueue({
      kind: 'error',
      status: 400,
      body: { error: { message: "Invalid value for 'temperature'", type: 'invalid_request_error', code: null } },
    });
    await gateway
      .openai()
      .chat.completions.create({ model: 'plain', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    const [record] = await gateway.records(1);
    expect(record?.attempts).toMatchObject([{ status: 400, errorClass: 'client_error' }]);
  });

  it('never cools a target for filtered prompts, on a route that falls back on content_filter', async () => {
    // Both targets filter each prompt, twice the breaker's threshold; an ordinary request must then still be
    // served by the first target, not skipped as cooling.
    for (let i = 0; i < 4; i++) {
      azure.enqueue(FakeAzureOpenAI.contentFilterError(), FakeAzureOpenAI.contentFilterError());
      const answer = await gateway
        .anthropic()
        .messages.create({ model: 'falls-back', max_tokens: 20, messages: [{ role: 'user', content: 'bad' }] })
        .catch((e: unknown) => e);
      expect(answer).toMatchObject({ status: 400, error: { error: { type: 'invalid_request_error' } } });
    }
    const filtered = (await gateway.records(4)).slice(0, 4);
    for (const record of filtered) {
      expect(record.attempts).toMatchObject([
        { provider: 'az-first', errorClass: 'content_filter' },
        { provider: 'az-second', errorClass: 'content_filter' },
      ]);
    }
    azure.enqueue({ kind: 'reply', text: 'fine' });
    const ok = await gateway
      .openai()
      .chat.completions.create({ model: 'falls-back', messages: [{ role: 'user', content: 'hello' }] });
    expect(ok.choices[0]?.message.content).toBe('fine');
    const [served] = await gateway.records(1);
    expect(served).toMatchObject({ status: 200, provider: 'az-first' });
    expect(served?.attempts).toHaveLength(1);
  });
});
