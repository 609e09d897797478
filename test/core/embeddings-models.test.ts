import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

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

  it("takes an Anthropic client's x-api-key and answers it in Anthropic's shapes, errors included", async () => {
    const get = (path: string, headers: Record<string, string>) =>
      fetch(`${harness.url}${path}`, { headers: { 'anthropic-version': '2023-06-01', ...headers } });
    const list = await get('/v1/models', { 'x-api-key': CLIENT_TOKEN });
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({ data: [{ type: 'model', id: 'embed' }, { id: 'gpt-4o-mini' }] });
    const missing = await get('/v1/models/gpt-9', { 'x-api-key': CLIENT_TOKEN });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const anonymous = await get('/v1/models', {});
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
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
