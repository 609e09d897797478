import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeAzureOpenAI } from '../fakes/fake-azure-openai.js';
import { GatewayHarness } from '../support/gateway-harness.js';

const ENTRA = { tenantId: 'contoso', clientId: 'gateway-app', clientSecret: 'entra-client-secret-0123' };
const AZURE_KEY = 'azure-resource-key-0123456789';

/** Azure OpenAI behind the gateway: the official OpenAI and Anthropic SDKs as clients, fake Azure resources. */
describe('azure-openai provider', () => {
  let keyed: FakeAzureOpenAI;
  let entra: FakeAzureOpenAI;
  let v1: FakeAzureOpenAI;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    keyed = await FakeAzureOpenAI.start({ apiKey: AZURE_KEY });
    entra = await FakeAzureOpenAI.start({ entra: ENTRA });
    v1 = await FakeAzureOpenAI.start({ apiKey: AZURE_KEY });
    gateway = await GatewayHarness.start({
      env: { AZURE_OPENAI_API_KEY: AZURE_KEY, ENTRA_SECRET: ENTRA.clientSecret },
      config: {
        providers: [
          // No api_key: the type reads AZURE_OPENAI_API_KEY, as the Azure SDKs do.
          { name: 'az', type: 'azure-openai', base_url: keyed.endpoint, allow_private_network: true },
          {
            name: 'az-entra',
            type: 'azure-openai',
            base_url: entra.endpoint,
            api_version: '2025-01-01-preview',
            allow_private_network: true,
            entra: {
              tenant_id: ENTRA.tenantId,
              client_id: ENTRA.clientId,
              client_secret: '${ENTRA_SECRET}',
              token_url: entra.tokenUrl,
            },
          },
          {
            name: 'az-v1',
            type: 'azure-openai',
            base_url: `${v1.endpoint}/openai/v1`,
            allow_private_network: true,
          },
          // The endpoint as Azure AI Foundry's target URI starts, /openai included.
          {
            name: 'az-openai',
            type: 'azure-openai',
            base_url: `${keyed.endpoint}/openai/`,
            allow_private_network: true,
          },
        ],
        models: [
          { name: 'gpt-azure', targets: [{ provider: 'az', model: 'gpt4o-prod' }] },
          { name: 'gpt-azure-openai', targets: [{ provider: 'az-openai', model: 'gpt4o-prod' }] },
          { name: 'gpt-5-azure', targets: [{ provider: 'az', model: 'gpt-5-prod' }] },
          { name: 'gpt-5-v1', targets: [{ provider: 'az-v1', model: 'gpt-5-v1' }] },
          { name: 'gpt-entra', targets: [{ provider: 'az-entra', model: 'gpt4o-eu' }] },
          { name: 'gpt-v1', targets: [{ provider: 'az-v1', model: 'gpt4o-v1' }] },
          { name: 'embed-azure', targets: [{ provider: 'az', model: 'embed-small' }] },
        ],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await keyed.close();
    await entra.close();
    await v1.close();
  });
  afterEach(() => {
    keyed.requests.length = 0;
  });

  it('passes Chat Completions through to the deployment path with the default api-version and api-key', async () => {
    keyed.enqueue({ kind: 'reply', text: 'hello from Azure', usage: { prompt: 11, completion: 3 } });
    const answer = await gateway
      .openai()
      .chat.completions.create({ model: 'gpt-azure', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]?.message.content).toBe('hello from Azure');
    const request = keyed.requests.at(-1);
    expect(request?.path).toBe('/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21');
    expect(request?.headers['api-key']).toBe(AZURE_KEY);
    expect(request?.headers.authorization).toBeUndefined();
    const [record] = await gateway.records(1);
    expect(record).toMatchObject({ provider: 'az', upstreamModel: 'gpt4o-prod', inputTokens: 11, outputTokens: 3 });
  });

  it('takes a base_url that already ends in /openai as the resource endpoint, not /openai/openai/...', async () => {
    const path = '/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21';
    const chat = await gateway
      .openai()
      .chat.completions.create({ model: 'gpt-azure-openai', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.choices[0]?.message.content).toBe('Hello from fake-azure');
    expect(keyed.requests.at(-1)?.path).toBe(path);
    const message = await gateway
      .anthropic()
      .messages.create({ model: 'gpt-azure-openai', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from fake-azure' }]);
    expect(keyed.requests.at(-1)?.path).toBe(path);
  });

  it('streams through unchanged to the OpenAI SDK', async () => {
    keyed.enqueue({ kind: 'reply', text: 'one two three', chunkSize: 3 });
    const stream = await gateway.openai().chat.completions.create({
      model: 'gpt-azure',
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('one two three');
  });

  it('translates an Anthropic Messages client to the deployment', async () => {
    keyed.enqueue({ kind: 'reply', text: 'translated for Claude clients', usage: { prompt: 9, completion: 4 } });
    const message = await gateway.anthropic().messages.create({
      model: 'gpt-azure',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'translated for Claude clients' }]);
    expect(message.usage).toMatchObject({ input_tokens: 9, output_tokens: 4 });
    expect(keyed.requests.at(-1)?.path).toMatch(/^\/openai\/deployments\/gpt4o-prod\/chat\/completions\?/);
  });

  it("sends an Anthropic client's max_tokens as max_completion_tokens, which reasoning deployments demand", async () => {
    // Azure refuses max_tokens for o-series and gpt-5 deployments; Anthropic clients always send a limit.
    for (const [model, fake] of [
      ['gpt-5-azure', keyed],
      ['gpt-5-v1', v1],
    ] as const) {
      fake.enqueue({ kind: 'reply', text: 'reasoned', usage: { prompt: 9, completion: 4 } });
      const message = await gateway.anthropic().messages.create({
        model,
        max_tokens: 100,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(message.content).toEqual([{ type: 'text', text: 'reasoned' }]);
      expect(fake.requests.at(-1)?.body).toMatchObject({ max_completion_tokens: 100 });
      expect(fake.requests.at(-1)?.body).not.toHaveProperty('max_tokens');
    }
  });

  it('sends embeddings to the deployment embeddings path', async () => {
    const answer = await gateway.openai().embeddings.create({ model: 'embed-azure', input: ['a b', 'c'] });
    expect(answer.data).toHaveLength(2);
    expect(keyed.requests.at(-1)?.path).toBe('/openai/deployments/embed-small/embeddings?api-version=2024-10-21');
  });

  it('gets an Entra token once, reuses it, and sends the configured api-version', async () => {
    for (let i = 0; i < 3; i++) {
      entra.enqueue({ kind: 'reply', text: `entra ${i}` });
      const answer = await gateway
        .openai()
        .chat.completions.create({ model: 'gpt-entra', messages: [{ role: 'user', content: 'hi' }] });
      expect(answer.choices[0]?.message.content).toBe(`entra ${i}`);
    }
    expect(entra.issuedTokens).toHaveLength(1);
    const chats = entra.deploymentRequests('gpt4o-eu');
    expect(chats.map((r) => r.headers.authorization)).toEqual(Array(3).fill(`Bearer ${entra.issuedTokens[0]}`));
    expect(chats.every((r) => r.headers['api-key'] === undefined)).toBe(true);
    expect(entra.apiVersions.at(-1)).toBe('2025-01-01-preview');
  });

  it('drops an Entra token Azure refuses before its expiry and sends once more with a fresh one', async () => {
    entra.enqueue({ kind: 'reply', text: 'warm' });
    await gateway.openai().chat.completions.create({ model: 'gpt-entra', messages: [{ role: 'user', content: 'hi' }] });
    const revoked = entra.issuedTokens.at(-1) as string;
    entra.revokedTokens.add(revoked);
    const issued = entra.issuedTokens.length;
    const before = entra.deploymentRequests('gpt4o-eu').length;
    entra.enqueue({ kind: 'reply', text: 'after renewal' });
    const answer = await gateway
      .openai()
      .chat.completions.create({ model: 'gpt-entra', messages: [{ role: 'user', content: 'again' }] });
    expect(answer.choices[0]?.message.content).toBe('after renewal');
    expect(entra.issuedTokens).toHaveLength(issued + 1);
    const fresh = entra.issuedTokens.at(-1);
    const sent = entra.deploymentRequests('gpt4o-eu').slice(before);
    expect(sent.map((r) => r.headers.authorization)).toEqual([`Bearer ${revoked}`, `Bearer ${fresh}`]);
    const [record] = await gateway.records(1);
    expect(record?.attempts).toEqual([expect.objectContaining({ status: 200, tokenRenewed: true })]);
    // The fresh token serves the next request without another fetch.
    entra.enqueue({ kind: 'reply', text: 'reused' });
    await gateway.openai().chat.completions.create({ model: 'gpt-entra', messages: [{ role: 'user', content: 'x' }] });
    expect(entra.issuedTokens).toHaveLength(issued + 1);
  });

  it('uses the /openai/v1 surface with the deployment as model and no api-version', async () => {
    v1.enqueue({ kind: 'reply', text: 'v1 answer' });
    const answer = await gateway
      .openai()
      .chat.completions.create({ model: 'gpt-v1', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]?.message.content).toBe('v1 answer');
    const request = v1.requests.at(-1);
    expect(request?.path).toBe('/openai/v1/chat/completions');
    expect((request?.body as { model?: string } | undefined)?.model).toBe('gpt4o-v1');
  });

  it("relays Azure's content-filter refusal to an OpenAI client as it came", async () => {
    keyed.enqueue(FakeAzureOpenAI.contentFilterError());
    const error = await gateway
      .openai()
      .chat.completions.create({ model: 'gpt-azure', messages: [{ role: 'user', content: 'bad' }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 'content_filter', param: 'prompt' });
    const [record] = await gateway.records(1);
    expect(record).toMatchObject({ status: 400, provider: 'az' });
  });

  it("maps Azure's content-filter refusal to an Anthropic client's invalid_request_error", async () => {
    keyed.enqueue(FakeAzureOpenAI.contentFilterError());
    const error = await gateway
      .anthropic()
      .messages.create({ model: 'gpt-azure', max_tokens: 50, messages: [{ role: 'user', content: 'bad' }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error' } } });
    expect((error as Error).message).toContain('content management policy');
  });

  it("maps a content-filtered completion to the Anthropic client's refusal stop reason", async () => {
    keyed.enqueue({ kind: 'reply', text: '', finishReason: 'content_filter' });
    const message = await gateway
      .anthropic()
      .messages.create({ model: 'gpt-azure', max_tokens: 50, messages: [{ role: 'user', content: 'hm' }] });
    expect(message.stop_reason).toBe('refusal');
  });
});

/** A gateway whose one model `gpt-azure` is served by `fake` with an Entra app (its own fresh token cache). */
function entraGateway(fake: FakeAzureOpenAI, clientSecret = ENTRA.clientSecret): Promise<GatewayHarness> {
  return GatewayHarness.start({
    config: {
      providers: [
        {
          name: 'az',
          type: 'azure-openai',
          base_url: fake.endpoint,
          allow_private_network: true,
          entra: {
            tenant_id: ENTRA.tenantId,
            client_id: ENTRA.clientId,
            client_secret: clientSecret,
            token_url: fake.tokenUrl,
          },
        },
      ],
      models: [{ name: 'gpt-azure', targets: [{ provider: 'az', model: 'gpt4o-prod' }] }],
      routing: { retries: { max_attempts: 1 } },
    },
  });
}

describe('azure-openai with a wrong Entra secret', () => {
  it('fails with a 502 naming the token endpoint, never the secret', async () => {
    const fake = await FakeAzureOpenAI.start({ entra: ENTRA });
    const gateway = await entraGateway(fake, 'not-the-right-secret-42');
    try {
      const error = await gateway
        .openai()
        .chat.completions.create({ model: 'gpt-azure', messages: [{ role: 'user', content: 'hi' }] })
        .then(
          () => undefined,
          (e: unknown) => e as Error & { status: number },
        );
      if (!error) throw new Error('expected the request to fail');
      expect(error.status).toBeGreaterThanOrEqual(500);
      expect(error.message).toContain('invalid_client');
      expect(error.message).not.toContain('not-the-right-secret-42');
      expect(fake.deploymentRequests('gpt4o-prod')).toHaveLength(0);
      const [record] = await gateway.records(1);
      expect(record?.errorMessage ?? '').toContain('token endpoint');
    } finally {
      await gateway.close();
      await fake.close();
    }
  });
});

describe('azure-openai refusing every Entra token', () => {
  it('sends once more with a fresh token, then takes the refusal as final: no loop, no fetch per request', async () => {
    const fake = await FakeAzureOpenAI.start({ entra: ENTRA });
    const gateway = await entraGateway(fake);
    try {
      // An app without a role assignment on the resource: every token is refused, fresh ones too.
      fake.refuseEveryToken = true;
      for (let i = 0; i < 3; i++) {
        const error = await gateway
          .openai()
          .chat.completions.create({ model: 'gpt-azure', messages: [{ role: 'user', content: 'refused' }] })
          .then(
            () => undefined,
            (e: unknown) => e as { status: number },
          );
        expect(error?.status).toBe(502);
      }
      // The first token, and one fetched to replace it; the replacement's refusals are final for a minute.
      expect(fake.issuedTokens).toHaveLength(2);
      expect(fake.deploymentRequests('gpt4o-prod').map((r) => r.headers.authorization)).toEqual([
        `Bearer ${fake.issuedTokens[0]}`,
        `Bearer ${fake.issuedTokens[1]}`,
        `Bearer ${fake.issuedTokens[1]}`,
        `Bearer ${fake.issuedTokens[1]}`,
      ]);
      const records = await gateway.records(3);
      expect(records.filter((r) => r.attempts[0]?.tokenRenewed)).toHaveLength(1);
    } finally {
      await gateway.close();
      await fake.close();
    }
  });
});

describe('azure-openai: a client leaving while a refused token is replaced', () => {
  it('is not billed: the upstream refused the request it had, and the next was never sent', async () => {
    const fake = await FakeAzureOpenAI.start({ entra: ENTRA });
    const gateway = await entraGateway(fake);
    try {
      fake.enqueue({ kind: 'reply', text: 'warm' });
      await gateway
        .openai()
        .chat.completions.create({ model: 'gpt-azure', messages: [{ role: 'user', content: 'hi' }] });
      fake.revokedTokens.add(fake.issuedTokens.at(-1) as string);
      fake.holdTokens = true;
      const controller = new AbortController();
      const pending = gateway
        .openai()
        .chat.completions.create(
          { model: 'gpt-azure', max_tokens: 300, messages: [{ role: 'user', content: 'word '.repeat(400) }] },
          { signal: controller.signal },
        );
      // Azure refused the cached token (a 401, nothing billed); the gateway now waits for a fresh one.
      while (fake.heldTokenRequests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();
      await expect(pending).rejects.toThrow();
      const rows = await gateway.records(2);
      const record = rows.find((r) => r.status === 499);
      expect(record?.attempts).toEqual([expect.objectContaining({ errorClass: 'cancelled' })]);
      // As for a request left while queued for admission or a token: nothing reached a model, nothing is billed.
      expect(record).toMatchObject({ inputTokens: null, outputTokens: null, costUsd: null });
      expect(record?.usageEstimated).toBeFalsy();
    } finally {
      fake.holdTokens = false;
      await gateway.close();
      await fake.close();
    }
  });
});
