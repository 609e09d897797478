import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAzureOpenAI } from '../fakes/fake-azure-openai.js';
import { FakeBedrock } from '../fakes/fake-bedrock.js';
import { GatewayHarness } from '../support/gateway-harness.js';

const AZURE_KEY = 'azure-embeddings-key-0123456789';
const BEDROCK_KEY = 'ABSKbedrock-embeddings-key-0123';

/**
 * A new user's embeddings pass over the cloud types, through the official OpenAI SDK: Azure passes
 * `dimensions`, input arrays and base64 through to its deployment; Bedrock (Converse only) has no embeddings,
 * and says so in the client's error shape rather than failing somewhere upstream.
 */
describe('embeddings on the cloud types', () => {
  let azure: FakeAzureOpenAI;
  let bedrock: FakeBedrock;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    azure = await FakeAzureOpenAI.start({ apiKey: AZURE_KEY });
    bedrock = await FakeBedrock.start({ apiKey: BEDROCK_KEY });
    gateway = await GatewayHarness.start({
      config: {
        providers: [
          {
            name: 'az',
            type: 'azure-openai',
            base_url: azure.endpoint,
            api_key: AZURE_KEY,
            allow_private_network: true,
          },
          {
            name: 'aws',
            type: 'bedrock',
            base_url: bedrock.endpoint,
            api_key: BEDROCK_KEY,
            allow_private_network: true,
          },
        ],
        models: [
          { name: 'embed-azure', targets: [{ provider: 'az', model: 'embed-3-small' }] },
          { name: 'titan', targets: [{ provider: 'aws', model: 'amazon.titan-embed-text-v2:0' }] },
        ],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await azure.close();
    await bedrock.close();
  });

  it('azure: an input array with dimensions, decoded by the SDK from its default base64', async () => {
    const answer = await gateway
      .openai()
      .embeddings.create({ model: 'embed-azure', input: ['a b', 'cde'], dimensions: 3 });
    expect(answer.data.map((d) => d.embedding.map((v) => Number(v.toFixed(4))))).toEqual([
      [0.03, 0.04, 0.05],
      [0.03, 0.04, 0.05],
    ]);
    const request = azure.requests.at(-1);
    expect(request?.path).toBe('/openai/deployments/embed-3-small/embeddings?api-version=2024-10-21');
    expect(request?.body).toMatchObject({ input: ['a b', 'cde'], dimensions: 3, encoding_format: 'base64' });
    expect(answer.usage).toMatchObject({ prompt_tokens: 3, total_tokens: 3 });
    const [record] = await gateway.records(1);
    expect(record).toMatchObject({ provider: 'az', status: 200, inputTokens: 3 });
  });

  it('azure: encoding_format base64 asked for explicitly comes back as Azure sent it', async () => {
    const answer = await gateway
      .openai()
      .embeddings.create({ model: 'embed-azure', input: ['abcd'], dimensions: 2, encoding_format: 'base64' });
    const packed = answer.data[0]?.embedding as unknown as string;
    expect(typeof packed).toBe('string');
    const floats = new Float32Array(Uint8Array.from(Buffer.from(packed, 'base64')).buffer);
    expect([...floats].map((v) => Number(v.toFixed(4)))).toEqual([0.04, 0.05]);
  });

  it('bedrock: embeddings are refused with a 400 that says why, and Bedrock is never called', async () => {
    const before = bedrock.requests.length;
    const error = await gateway
      .openai()
      .embeddings.create({ model: 'titan', input: ['hello'] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400 });
    expect((error as Error).message).toMatch(/bedrock.*no embeddings/i);
    expect((error as Error).message).toContain('Converse');
    expect(bedrock.requests.length).toBe(before);
  });
});
