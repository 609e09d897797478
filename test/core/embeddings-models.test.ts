import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

describe('embeddings and the model list', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('primary', upstream.baseUrl)],
        models: [
          { name: 'embed', targets: [{ provider: 'primary', model: 'text-embedding-3-small' }] },
          { name: 'gpt-4o-mini', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] },
        ],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  it('relays embeddings (the SDK asks for base64 and decodes it) and records usage', async () => {
    const result = await harness.openai().embeddings.create({ model: 'embed', input: ['hello world', 'hi'] });
    expect(result.data).toHaveLength(2);
    expect(result.data[0]?.embedding).toHaveLength(8);
    expect(result.data[0]?.embedding[0]).toBeCloseTo(0.11, 5);
    expect((upstream.requestsTo('/v1/embeddings')[0]?.body as { model: string } | undefined)?.model).toBe(
      'text-embedding-3-small',
    );
    const [record] = await harness.records();
    expect(record).toMatchObject({ entryPoint: 'embeddings', inputTokens: 3, status: 200, provider: 'primary' });
  });

  it('relays float embeddings byte for byte', async () => {
    const result = await harness.openai().embeddings.create({ model: 'embed', input: 'abc', encoding_format: 'float' });
    expect(result.data[0]?.embedding.slice(0, 2)).toEqual([0.03, 0.04]);
  });

  it('lists the configured model names in the OpenAI list shape', async () => {
    const ids: string[] = [];
    for await (const model of harness.openai().models.list()) ids.push(model.id);
    expect(ids).toEqual(['embed', 'gpt-4o-mini']);
  });

  it('retrieves one model by name and answers 404 for an unknown one', async () => {
    await expect(harness.openai().models.retrieve('gpt-4o-mini')).resolves.toMatchObject({
      id: 'gpt-4o-mini',
      object: 'model',
    });
    await expect(harness.openai().models.retrieve('gpt-9')).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
  });
});
