import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DialectGateway, MODELS } from './support/dialect-gateway.js';

/**
 * Seeded sampling and penalties reach the upstreams that have them (OpenAI-compatible, Gemini) and are refused
 * or dropped where they have none; an Anthropic client's prefill (a final assistant message) is refused where the
 * upstream would answer anew instead of continuing it (OpenAI-compatible), and sent on where it continues.
 */

const sampling = { seed: 42, presence_penalty: 0.5, frequency_penalty: -0.25 };
const question = [{ role: 'user' as const, content: 'Name a colour.' }];

describe('seed and penalties on translated routes', () => {
  let gateway: DialectGateway;

  beforeAll(async () => {
    gateway = await DialectGateway.start([
      {
        name: 'claude-strict',
        translation: 'strict',
        targets: [{ provider: 'ant', model: MODELS.anthropic.upstream }],
      },
    ]);
  });
  afterAll(async () => gateway?.close());
  beforeEach(() => gateway.reset());

  it("gives Gemini an OpenAI client's seed and penalties in generationConfig, in Gemini's names", async () => {
    const answer = await gateway.harness
      .openai()
      .chat.completions.create({ model: MODELS.gemini.name, messages: question, ...sampling });
    expect(answer.choices[0]?.finish_reason).toBe('stop');
    const sent = gateway.geminiUpstream.chatRequests().at(-1)?.body as { generationConfig?: Record<string, unknown> };
    expect(sent.generationConfig).toEqual({ seed: 42, presencePenalty: 0.5, frequencyPenalty: -0.25 });
    // Gemini's penalties stop short of 2, which OpenAI's include: refused naming the client's field.
    const error = await gateway.harness
      .openai()
      .chat.completions.create({ model: MODELS.gemini.name, messages: question, frequency_penalty: 2 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, param: 'frequency_penalty' });
    expect(gateway.geminiUpstream.chatRequests()).toHaveLength(1);
  });

  it('drops a seed for Claude as a hint and says so, refuses it on a strict model, and refuses penalties', async () => {
    const { data, response } = await gateway.harness
      .openai()
      .chat.completions.create({ model: MODELS.anthropic.name, messages: question, seed: 7 })
      .withResponse();
    expect(data.choices[0]?.message.role).toBe('assistant');
    expect(response.headers.get('x-gateway-dropped')).toBe('seed');
    expect(gateway.anthropicUpstream.requests.at(-1)?.body).not.toHaveProperty('seed');
    const error = await gateway.harness
      .openai()
      .chat.completions.create({ model: 'claude-strict', messages: question, seed: 7 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, param: 'seed' });
    // A penalty changes what the model writes; Claude and Bedrock Converse have none.
    for (const model of [MODELS.anthropic.name, MODELS.bedrock.name]) {
      const refused = await gateway.harness
        .openai()
        .chat.completions.create({ model, messages: question, seed: 7, presence_penalty: 0.5 })
        .catch((e: unknown) => e);
      expect(refused).toMatchObject({ status: 400, param: 'presence_penalty' });
    }
    expect(gateway.anthropicUpstream.requests).toHaveLength(1);
  });
});

describe('an Anthropic client’s prefill', () => {
  let gateway: DialectGateway;

  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => gateway?.close());
  beforeEach(() => gateway.reset());

  const prefilled = [
    { role: 'user' as const, content: 'Give me a JSON object with a colour.' },
    { role: 'assistant' as const, content: '{"colour": "' },
  ];

  it('refuses it for an OpenAI-compatible model with a 400 naming messages[1], sending nothing', async () => {
    const error = await gateway.harness
      .anthropic()
      .messages.create({ model: MODELS.openai.name, max_tokens: 50, messages: prefilled })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, error: { error: { type: 'invalid_request_error' } } });
    expect((error as Error).message).toContain('messages[1]');
    expect((error as Error).message).toContain('prefill');
    expect(gateway.openaiUpstream.requests).toHaveLength(0);
    // Gemini and Claude on Bedrock continue a final model/assistant turn, so it goes on there as the last turn;
    // a conversation ending with the user is no prefill.
    await gateway.harness
      .anthropic()
      .messages.create({ model: MODELS.gemini.name, max_tokens: 50, messages: prefilled });
    const gemini = gateway.geminiUpstream.chatRequests().at(-1)?.body as { contents: Array<{ role: string }> };
    expect(gemini.contents.at(-1)).toEqual({ role: 'model', parts: [{ text: '{"colour": "' }] });
    const continued = await gateway.harness
      .anthropic()
      .messages.create({ model: MODELS.bedrock.name, max_tokens: 50, messages: prefilled });
    expect(continued.type).toBe('message');
    const sent = gateway.bedrockUpstream.requests.at(-1)?.body as { messages: Array<{ role: string }> };
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    const answered = await gateway.harness
      .anthropic()
      .messages.create({ model: MODELS.openai.name, max_tokens: 50, messages: prefilled.concat(question) });
    expect(answered.type).toBe('message');
  });
});
