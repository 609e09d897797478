import { AzureOpenAI } from 'openai';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeAzureOpenAI } from '../fakes/fake-azure-openai.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

const AZURE_KEY = 'azure-resource-key-0123456789';

/** The fake's Responses paths as the official AzureOpenAI client sends them: the fake is what the gateway meets. */
describe('FakeAzureOpenAI Responses read by the openai SDK’s AzureOpenAI client', () => {
  let fake: FakeAzureOpenAI;
  beforeAll(async () => {
    fake = await FakeAzureOpenAI.start({ apiKey: AZURE_KEY });
  });
  afterAll(() => fake.close());

  it('accepts responses.create at /openai/responses with the api-version, JSON and stream', async () => {
    const client = new AzureOpenAI({ endpoint: fake.endpoint, apiKey: AZURE_KEY, apiVersion: '2025-04-01-preview' });
    fake.responsesText = 'From the fake.';
    const answer = await client.responses.create({ model: 'gpt4o-prod', input: 'hi' });
    expect(answer.output_text).toBe('From the fake.');
    expect(fake.responsesRequests.at(-1)?.path).toBe('/openai/responses?api-version=2025-04-01-preview');
    expect(fake.responsesRequests.at(-1)?.headers['api-key']).toBe(AZURE_KEY);
    let text = '';
    for await (const event of await client.responses.create({ model: 'gpt4o-prod', input: 'hi', stream: true })) {
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(text).toBe('From the fake.');
  });

  it('refuses an api-version older than the Responses API, as Azure does', async () => {
    const client = new AzureOpenAI({ endpoint: fake.endpoint, apiKey: AZURE_KEY, apiVersion: '2024-10-21' });
    await expect(client.responses.create({ model: 'gpt4o-prod', input: 'hi' })).rejects.toMatchObject({ status: 404 });
  });
});

describe('Responses clients through the gateway to Azure', () => {
  let resource: FakeAzureOpenAI;
  let v1: FakeAzureOpenAI;
  let compat: FakeOpenAI;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    resource = await FakeAzureOpenAI.start({ apiKey: AZURE_KEY });
    v1 = await FakeAzureOpenAI.start({ apiKey: AZURE_KEY });
    compat = await FakeOpenAI.start();
    gateway = await GatewayHarness.start({
      config: {
        providers: [
          {
            name: 'az',
            type: 'azure-openai',
            base_url: resource.endpoint,
            api_key: AZURE_KEY,
            allow_private_network: true,
            responses_api: true,
          },
          {
            name: 'az-v1',
            type: 'azure-openai',
            base_url: `${v1.endpoint}/openai/v1`,
            api_key: AZURE_KEY,
            allow_private_network: true,
            responses_api: true,
          },
          fakeProvider('compat', compat.baseUrl, compat.apiKey),
        ],
        models: [
          { name: 'gpt-azure', targets: [{ provider: 'az', model: 'gpt4o-prod' }] },
          { name: 'compat-reasoner', targets: [{ provider: 'compat', model: 'qwen3-thinking' }] },
          {
            name: 'azure-then-compat',
            targets: [
              { provider: 'az', model: 'gpt4o-prod' },
              { provider: 'compat', model: 'qwen3-thinking' },
            ],
          },
          { name: 'gpt-v1', targets: [{ provider: 'az-v1', model: 'gpt4o-v1' }] },
        ],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await resource.close();
    await v1.close();
    await compat.close();
  });
  /** Records are listed newest first; counting them makes sure this test's own has arrived. */
  let recorded = 0;
  const newestRecord = async () => (await gateway.records(++recorded))[0];
  beforeEach(() => {
    resource.requests.length = 0;
    resource.responsesRequests.length = 0;
    compat.requests.length = 0;
  });

  it('passes a stateless request through to Azure’s own Responses API, the deployment as the model', async () => {
    resource.responsesText = 'Straight from Azure.';
    const answer = await gateway.openai().responses.create({ model: 'gpt-azure', input: 'hi', store: false });
    expect(answer.output_text).toBe('Straight from Azure.');
    expect(answer.id).toBe('resp_fake_0001');
    const sent = resource.responsesRequests.at(-1);
    expect(sent?.path).toBe('/openai/responses?api-version=2025-04-01-preview');
    expect(sent?.body).toEqual({ model: 'gpt4o-prod', input: 'hi', store: false });
    expect(resource.requests.filter((r) => r.path.includes('/chat/completions'))).toHaveLength(0);
    expect(await newestRecord()).toMatchObject({
      status: 200,
      entryPoint: 'responses',
      inputTokens: 9,
      outputTokens: 4,
    });
  });

  it('streams the upstream’s events through unchanged, usage recorded', async () => {
    resource.responsesText = 'Streamed from Azure.';
    const events: string[] = [];
    let text = '';
    const stream = await gateway
      .openai()
      .responses.create({ model: 'gpt-azure', input: 'hi', store: false, stream: true });
    for await (const event of stream) {
      events.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(text).toBe('Streamed from Azure.');
    expect(events.at(0)).toBe('response.created');
    expect(events.at(-1)).toBe('response.completed');
    expect(resource.responsesRequests.at(-1)?.body).toMatchObject({ model: 'gpt4o-prod', stream: true });
    expect(await newestRecord()).toMatchObject({ status: 200, stream: true, inputTokens: 9, outputTokens: 4 });
  });

  it('uses /openai/v1/responses on the v1 surface', async () => {
    await gateway.openai().responses.create({ model: 'gpt-v1', input: 'hi', store: false });
    recorded++;
    expect(v1.responsesRequests.at(-1)?.path).toBe('/openai/v1/responses');
    expect(v1.responsesRequests.at(-1)?.body).toMatchObject({ model: 'gpt4o-v1' });
  });

  it('leaves out reasoning another model gave when a stateless conversation moves to Azure (a /model switch)', async () => {
    // Codex's stateless pattern: store false, encrypted reasoning included, every output item sent back.
    compat.enqueue({ kind: 'reply', reasoning: 'The user greets; greet back.', text: 'Hello!' });
    const client = gateway.openai();
    const include = ['reasoning.encrypted_content' as const];
    const first = await client.responses.create({ model: 'compat-reasoner', input: 'hi', store: false, include });
    recorded++;
    const reasoning = first.output.find((item) => item.type === 'reasoning');
    expect(reasoning?.encrypted_content).toMatch(/^amg1:/);
    resource.responsesText = 'Azure takes over.';
    const input = [
      { role: 'user', content: 'hi' },
      ...(first.output as ResponseInputItem[]),
      { role: 'user', content: 'and now?' },
    ] as ResponseInputItem[];
    const second = await client.responses.create({ model: 'gpt-azure', input, store: false, include });
    expect(second.output_text).toBe('Azure takes over.');
    const sent = resource.responsesRequests.at(-1)?.body as { input: Array<{ type?: string; role?: string }> };
    // The gateway's envelope means nothing to Azure (it would answer 400 invalid_encrypted_content); the rest goes.
    expect(sent.input.map((item) => item.type ?? item.role)).toEqual(['user', 'message', 'user']);
    expect(await newestRecord()).toMatchObject({ status: 200, entryPoint: 'responses' });
  });

  it('passes Azure’s own encrypted reasoning through untouched', async () => {
    const input = [
      { role: 'user', content: 'hi' },
      { type: 'reasoning', id: 'rs_az_1', summary: [], encrypted_content: 'gAAAAB-azure-minted' },
      { role: 'user', content: 'more' },
    ] as ResponseInputItem[];
    await gateway.openai().responses.create({ model: 'gpt-azure', input, store: false });
    recorded++;
    const sent = resource.responsesRequests.at(-1)?.body as { input: unknown[] };
    expect(sent.input).toEqual(input);
  });

  it('leaves Azure to decide on what only a translation would refuse: built-in and custom tools, prompt', async () => {
    // Codex declares apply_patch as a custom (freeform) tool; apps use Azure's hosted tools and stored prompts.
    const tools = [
      { type: 'custom', name: 'apply_patch', description: 'Apply a patch' },
      { type: 'code_interpreter', container: { type: 'auto' } },
    ] as const;
    resource.responsesText = 'Tools are Azure’s business.';
    const answer = await gateway.openai().responses.create({
      model: 'gpt-azure',
      input: 'hi',
      store: false,
      tools: [...tools],
      prompt: { id: 'pmpt_123' },
    });
    expect(answer.output_text).toBe('Tools are Azure’s business.');
    expect(resource.responsesRequests.at(-1)?.body).toMatchObject({ tools, prompt: { id: 'pmpt_123' } });
    expect(await newestRecord()).toMatchObject({ status: 200, entryPoint: 'responses' });
  });

  it('still refuses such a request where the target translates (a stored turn)', async () => {
    await expect(
      gateway.openai().responses.create({
        model: 'gpt-azure',
        input: 'hi',
        tools: [{ type: 'code_interpreter', container: { type: 'auto' } }],
      }),
    ).rejects.toMatchObject({ status: 400, param: 'tools[0].type' });
    recorded++;
    expect(resource.requests).toHaveLength(0);
  });

  it('on a route with a translated fallback, Azure serves it and the fallback refuses it as its attempt', async () => {
    const request = {
      model: 'azure-then-compat',
      input: 'hi',
      store: false,
      tools: [{ type: 'code_interpreter' as const, container: { type: 'auto' as const } }],
    };
    resource.responsesText = 'Served by Azure.';
    expect((await gateway.openai().responses.create(request)).output_text).toBe('Served by Azure.');
    recorded++;
    resource.enqueue({ kind: 'error', status: 503, body: { error: { message: 'busy' } } });
    const failed = gateway.openai(undefined, { maxRetries: 0 }).responses.create(request);
    // Azure's failure is the answer's status; the attempts list says why the fallback could not take over.
    await expect(failed).rejects.toMatchObject({
      status: 503,
      message: expect.stringContaining("compat (unsupported: tool type 'code_interpreter' is not supported"),
    });
    recorded++;
    expect(compat.requests).toHaveLength(0);
  });

  it('refuses a conversation id before anything reaches Azure: the gateway keeps no conversations', async () => {
    // Azure would add the turn to a conversation object on that one resource, which no fallback target, other
    // resource or gateway endpoint (/v1/conversations is unsupported) could read or continue.
    await expect(
      gateway.openai().responses.create({ model: 'gpt-azure', input: 'hi', store: false, conversation: 'conv_abc' }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'conversation',
      message: expect.stringContaining('conversation is not supported: this gateway stores no conversations'),
    });
    expect(await newestRecord()).toMatchObject({ status: 400, entryPoint: 'responses' });
    expect(resource.responsesRequests).toHaveLength(0);
    expect(resource.requests).toHaveLength(0);
  });

  it('translates a stored turn to chat completions, so the gateway keeps the state any provider can continue', async () => {
    const answer = await gateway.openai().responses.create({ model: 'gpt-azure', input: 'hi' });
    expect((answer as { store?: boolean }).store).toBe(true);
    recorded++;
    expect(resource.responsesRequests).toHaveLength(0);
    expect(resource.deploymentRequests('gpt4o-prod')).toHaveLength(1);
  });
});
