import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGemini } from '../fakes/fake-gemini.js';
import { GatewayHarness } from '../support/gateway-harness.js';

const THINKING_MODELS = [
  'gemini-2.5-flash',
  'gemini-2.5-flash-lite',
  'gemini-2.5-pro',
  'gemini-3-pro-preview',
  'gemini-3-flash-preview',
];

/** The gemini type's paths beyond chat: embeddings, and Google's errors in the client's terms. */
describe('gemini provider', () => {
  let fake: FakeGemini;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    fake = await FakeGemini.start();
    gateway = await GatewayHarness.start({
      env: { GEMINI_API_KEY: fake.apiKey },
      config: {
        // No api_key: the type reads GEMINI_API_KEY, as Google's SDKs do.
        providers: [
          { name: 'google', type: 'gemini', base_url: fake.baseUrl, allow_private_network: true },
          {
            name: 'google-bad',
            type: 'gemini',
            base_url: fake.baseUrl,
            api_key: 'wrong-key',
            allow_private_network: true,
          },
        ],
        models: [
          { name: 'embed', targets: [{ provider: 'google', model: 'gemini-embedding-001' }] },
          { name: 'flash-good', targets: [{ provider: 'google', model: 'gemini-2.5-flash' }] },
          { name: 'flash-bad-key', targets: [{ provider: 'google-bad', model: 'gemini-2.5-flash' }] },
          {
            name: 'flash-bad-key-then-good',
            targets: [
              { provider: 'google-bad', model: 'gemini-2.5-flash' },
              { provider: 'google', model: 'gemini-2.5-flash' },
            ],
          },
          { name: 'flash-quota', targets: [{ provider: 'google', model: 'gemini-2.5-flash-lite' }] },
          ...THINKING_MODELS.map((model) => ({ name: `think-${model}`, targets: [{ provider: 'google', model }] })),
        ],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await fake.close();
  });

  it('serves OpenAI embeddings from batchEmbedContents, floats and base64 alike', async () => {
    const floats = await gateway
      .openai()
      .embeddings.create({ model: 'embed', input: ['abc', 'abcdef'], dimensions: 4, encoding_format: 'float' });
    expect(floats.data.map((d) => d.embedding)).toEqual([
      [0.03, 0.04, 0.05, 0.06],
      [0.06, 0.07, 0.08, 0.09],
    ]);
    const request = fake.requests.at(-1);
    expect(request?.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(request?.body).toEqual({
      requests: ['abc', 'abcdef'].map((text) => ({
        model: 'models/gemini-embedding-001',
        content: { parts: [{ text }] },
        outputDimensionality: 4,
      })),
    });
    // The SDK asks for base64 by default and decodes it back to floats.
    const decoded = await gateway.openai().embeddings.create({ model: 'embed', input: 'abc', dimensions: 2 });
    expect(decoded.data[0]?.embedding.map((v) => Number(v.toFixed(4)))).toEqual([0.03, 0.04]);
  });

  it("serves a tool whose schema refers to its own $defs (pydantic's nested models), the references inlined", async () => {
    const parameters = {
      $defs: { Address: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      type: 'object',
      properties: { home: { $ref: '#/$defs/Address', description: 'Where they live' } },
      required: ['home'],
    };
    const declared = {
      type: 'object',
      properties: {
        home: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
          description: 'Where they live',
        },
      },
      required: ['home'],
    };
    const chat = await gateway.openai().chat.completions.create({
      model: 'flash-good',
      messages: [{ role: 'user', content: 'Save my address' }],
      tools: [{ type: 'function', function: { name: 'save_person', parameters } }],
    });
    expect(chat.choices[0]?.message.content).toBe('Hello from Gemini.');
    const sent = (body: unknown) =>
      (body as { tools: Array<{ functionDeclarations: Array<{ parameters: unknown }> }> }).tools[0]
        ?.functionDeclarations[0]?.parameters;
    expect(sent(fake.requests.at(-1)?.body)).toEqual(declared);
    const message = await gateway.anthropic().messages.create({
      model: 'flash-good',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'Save my address' }],
      tools: [{ name: 'save_person', input_schema: parameters as { type: 'object' } }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from Gemini.' }]);
    expect(sent(fake.requests.at(-1)?.body)).toEqual(declared);
  });

  it('refuses token-id input naming the field', async () => {
    await expect(gateway.openai().embeddings.create({ model: 'embed', input: [[1, 2, 3]] })).rejects.toMatchObject({
      status: 400,
      param: 'input',
    });
  });

  it("takes Google's 400 for a wrong API key as the gateway's key failing: the route falls back, in every dialect", async () => {
    const hi = [{ role: 'user' as const, content: 'hi' }];
    const answers = [
      async () =>
        (await gateway.openai().chat.completions.create({ model: 'flash-bad-key-then-good', messages: hi })).choices[0]
          ?.message.content,
      async () => {
        const message = await gateway
          .anthropic()
          .messages.create({ model: 'flash-bad-key-then-good', max_tokens: 20, messages: hi });
        return message.content[0]?.type === 'text' ? message.content[0].text : undefined;
      },
      async () =>
        (await gateway.openai().responses.create({ model: 'flash-bad-key-then-good', input: 'hi', store: false }))
          .output_text,
    ];
    for (const answer of answers) expect(await answer()).toBe('Hello from Gemini.');
    const records = (await gateway.records(6)).filter((record) => record.requestedModel === 'flash-bad-key-then-good');
    expect(records).toHaveLength(3);
    for (const record of records) {
      expect(record.attempts.map((a) => [a.provider, a.status, a.errorClass ?? null])).toEqual([
        ['google-bad', 400, 'auth'],
        ['google', 200, null],
      ]);
    }
  });

  it('answers a client whose only target has a wrong Gemini key with a 502 naming the key, as for any provider', async () => {
    const error = await gateway
      .anthropic()
      .messages.create({ model: 'flash-bad-key', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    // Not the client's own authentication_error: its gateway token was fine, the provider's key was not.
    expect(error).toMatchObject({ status: 502, error: { error: { type: 'api_error' } } });
    expect((error as Error).message).toContain('google-bad 400 (auth');
    expect((error as Error).message).toContain('API key not valid');
    const chat = await gateway
      .openai()
      .chat.completions.create({ model: 'flash-bad-key', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(chat).toMatchObject({ status: 502, type: 'server_error' });
  });

  it("tells every client dialect to retry when Gemini's quota error says to, from its RetryInfo", async () => {
    const refusals = [
      () =>
        gateway.openai().chat.completions.create({ model: 'flash-quota', messages: [{ role: 'user', content: 'hi' }] }),
      () =>
        gateway
          .anthropic()
          .messages.create({ model: 'flash-quota', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }),
      () => gateway.openai().responses.create({ model: 'flash-quota', input: 'hi', store: false }),
    ];
    for (const refuse of refusals) {
      // Gemini puts the delay in the error's details, never in a retry-after header.
      fake.enqueue({ kind: 'error', status: 429, message: 'Quota exceeded. Please retry in 7s.', retryDelay: '7s' });
      const error = (await refuse().catch((e: unknown) => e)) as { status: number; headers: Headers; message: string };
      expect(error.status).toBe(429);
      expect(error.headers.get('retry-after')).toBe('7');
      // The target cools for as long as Google asked, as for any upstream's retry-after.
      expect(error.message).toContain('cooling 7s');
    }
  });

  it('sends the least thinking each model family allows when the client asks for none or minimal', async () => {
    // Gemini thinks by default: sending nothing would not turn it off.
    const least: Record<string, unknown> = {
      'gemini-2.5-flash': { thinkingBudget: 0 },
      'gemini-2.5-flash-lite': { thinkingBudget: 0 },
      'gemini-2.5-pro': { thinkingBudget: 128 },
      'gemini-3-pro-preview': { thinkingLevel: 'low' },
      'gemini-3-flash-preview': { thinkingLevel: 'minimal' },
    };
    const thinkingSent = () => (fake.requests.at(-1)?.body as any)?.generationConfig?.thinkingConfig;
    for (const model of THINKING_MODELS) {
      for (const effort of ['none', 'minimal'] as const) {
        // As Codex sends it.
        const answer = await gateway
          .openai()
          .responses.create({ model: `think-${model}`, input: 'hi', store: false, reasoning: { effort } });
        expect(answer.status).toBe('completed');
        expect([model, effort, thinkingSent()]).toEqual([model, effort, least[model]]);
      }
      await gateway.openai().chat.completions.create({
        model: `think-${model}`,
        messages: [{ role: 'user', content: 'hi' }],
        reasoning_effort: 'none',
      });
      expect([model, thinkingSent()]).toEqual([model, least[model]]);
      await gateway.anthropic().messages.create({
        model: `think-${model}`,
        max_tokens: 20,
        thinking: { type: 'disabled' },
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect([model, thinkingSent()]).toEqual([model, least[model]]);
    }
  });
});
