import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressingUpstream, type ContentEncoding } from '../fakes/compressing-upstream.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

const ENCODINGS: ContentEncoding[] = ['gzip', 'deflate', 'br'];

describe('upstream answers with a content-encoding nobody asked for', () => {
  let zipped: CompressingUpstream;
  let backup: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    zipped = await CompressingUpstream.start();
    backup = await FakeOpenAI.start({ name: 'backup' });
    const models = [...ENCODINGS, 'gzip-400'].map((name) => ({
      name,
      targets: [{ provider: 'zipped', model: name }],
    }));
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('zipped', zipped.baseUrl), fakeProvider('backup', backup.baseUrl)],
        models: [
          ...models,
          {
            name: 'zipped-503-then-backup',
            targets: [
              { provider: 'zipped', model: 'br-503' },
              { provider: 'backup', model: 'plain' },
            ],
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await zipped.close();
    await backup.close();
  });

  const ask = (model: string) =>
    harness
      .openai()
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();

  it.each(ENCODINGS)('decodes a %s JSON answer, so the SDK reads it and telemetry has its usage', async (encoding) => {
    const { data, response } = await ask(encoding);
    expect(data.choices[0]?.message.content).toBe('squeezed');
    expect(response.headers.get('content-encoding')).toBeNull();
    const record = (await harness.records()).find((r) => r.id === response.headers.get('x-request-id'));
    expect(record).toMatchObject({ status: 200, inputTokens: 11, outputTokens: 4, errorCode: null });
  });

  it.each(ENCODINGS)('relays a %s stream decoded, strips the usage chunk and ends it cleanly', async (encoding) => {
    const { data: stream, response } = await harness
      .openai()
      .chat.completions.create({ model: encoding, messages: [{ role: 'user', content: 'hi' }], stream: true })
      .withResponse();
    let text = '';
    let usageChunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usageChunks++;
    }
    expect(text).toBe('squeezed through');
    expect(usageChunks).toBe(0);
    const record = (await harness.records()).find((r) => r.id === response.headers.get('x-request-id'));
    expect(record).toMatchObject({ status: 200, inputTokens: 12, outputTokens: 6, errorCode: null });
  });

  it("relays a compressed 4xx to the client and records the upstream's message", async () => {
    const error = await ask('gzip-400').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, message: expect.stringContaining('compressed 400 from upstream') });
    const id = (error as { headers: Headers }).headers.get('x-request-id');
    const record = (await harness.records()).find((r) => r.id === id);
    expect(record).toMatchObject({ status: 400, errorMessage: 'compressed 400 from upstream' });
  });

  it("falls back past a compressed 5xx and says what the upstream's error said", async () => {
    const { data, response } = await ask('zipped-503-then-backup');
    expect(data.choices[0]?.message.content).toBe('Hello from backup');
    const record = (await harness.records()).find((r) => r.id === response.headers.get('x-request-id'));
    expect(record?.attempts[0]).toMatchObject({ status: 503, error: 'compressed 503 from upstream' });
  });
});
