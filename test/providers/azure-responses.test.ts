import { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeAzureOpenAI } from '../fakes/fake-azure-openai.js';
import { GatewayHarness } from '../support/gateway-harness.js';

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
  let gateway: GatewayHarness;

  beforeAll(async () => {
    resource = await FakeAzureOpenAI.start({ apiKey: AZURE_KEY });
    v1 = await FakeAzureOpenAI.start({ apiKey: AZURE_KEY });
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
        ],
        models: [
          { name: 'gpt-azure', targets: [{ provider: 'az', model: 'gpt4o-prod' }] },
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
  });
  /** Records are listed newest first; counting them makes sure this test's own has arrived. */
  let recorded = 0;
  const newestRecord = async () => (await gateway.records(++recorded))[0];
  beforeEach(() => {
    resource.requests.length = 0;
    resource.responsesRequests.length = 0;
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

  it('translates a stored turn to chat completions, so the gateway keeps the state any provider can continue', async () => {
    const answer = await gateway.openai().responses.create({ model: 'gpt-azure', input: 'hi' });
    expect((answer as { store?: boolean }).store).toBe(true);
    recorded++;
    expect(resource.responsesRequests).toHaveLength(0);
    expect(resource.deploymentRequests('gpt4o-prod')).toHaveLength(1);
  });
});
