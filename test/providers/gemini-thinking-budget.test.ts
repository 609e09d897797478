import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DialectGateway, MODELS } from '../dialects/support/dialect-gateway.js';

/**
 * Gemini counts thoughts against `maxOutputTokens`. `max_completion_tokens: 1000` with `reasoning_effort: high`
 * (a 24,576-token budget) used to go as that budget under a 1,000-token cap: the thoughts took it all and the
 * answer came back empty. The budget now fits under the cap, as OpenAI's limit includes reasoning tokens and
 * Anthropic requires max_tokens > budget_tokens, and within the model family's range, which Gemini enforces
 * with a 400 (2.5 Flash-Lite: 0 or 512-24576; Flash: 0-24576; Pro: 128-32768). A cap with no room for the
 * model's smallest budget and an answer turns thinking off where the model can, else sends its least thinking,
 * and reports `reasoning` dropped; strict translation refuses it naming the client's field.
 */

let gateway: DialectGateway;

const GEMINI = {
  flashLite: { name: 'gemini-lite-dialect', upstream: 'gemini-2.5-flash-lite' },
  flash: { name: 'gemini-flash-dialect', upstream: 'gemini-2.5-flash' },
  pro: { name: 'gemini-pro-dialect', upstream: 'gemini-2.5-pro' },
  strict: { name: 'gemini-strict-dialect', upstream: 'gemini-2.5-flash-lite' },
  flash3: { name: 'gemini3-flash-dialect', upstream: 'gemini-3-flash-preview' },
};

type Config = {
  maxOutputTokens?: number;
  thinkingConfig?: { thinkingBudget?: number; thinkingLevel?: string; includeThoughts?: boolean };
};

function sentConfig(): Config {
  const body = gateway.geminiUpstream.chatRequests().at(-1)?.body as { generationConfig: Config } | undefined;
  return body?.generationConfig ?? {};
}

describe('Gemini thinking budget and the output limit', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start(
      Object.values(GEMINI).map(({ name, upstream }) => ({
        name,
        ...(name === GEMINI.strict.name ? { translation: 'strict' } : {}),
        targets: [{ provider: 'gem', model: upstream }],
      })),
    );
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(() => gateway.reset());

  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Why is the sky blue?' }];

  /** A Chat request's sent thinking config and the hints the gateway reported dropped. */
  async function chat(model: string, maxTokens: number | undefined, effort: OpenAI.ReasoningEffort) {
    const { response } = await gateway.harness
      .openai()
      .chat.completions.create({
        model,
        messages,
        reasoning_effort: effort,
        ...(maxTokens === undefined ? {} : { max_completion_tokens: maxTokens }),
      })
      .withResponse();
    return { thinking: sentConfig().thinkingConfig, dropped: response.headers.get('x-gateway-dropped') };
  }

  it('fits a larger budget under the limit, leaving room for the answer', async () => {
    await gateway.harness.openai().chat.completions.create({
      model: MODELS.gemini.name,
      messages,
      max_completion_tokens: 1000,
      reasoning_effort: 'high',
    });
    expect(sentConfig()).toMatchObject({ maxOutputTokens: 1000, thinkingConfig: { thinkingBudget: 500 } });
  });

  it('keeps a budget below the limit, and the effort budget without a limit', async () => {
    const client = gateway.harness.anthropic();
    await client.messages.create({
      model: MODELS.gemini.name,
      max_tokens: 4000,
      thinking: { type: 'enabled', budget_tokens: 2000 },
      messages: [{ role: 'user', content: 'Why is the sky blue?' }],
    });
    expect(sentConfig()).toMatchObject({ maxOutputTokens: 4000, thinkingConfig: { thinkingBudget: 2000 } });
    await gateway.harness
      .openai()
      .chat.completions.create({ model: GEMINI.flash.name, messages, reasoning_effort: 'high' });
    expect(sentConfig().thinkingConfig?.thinkingBudget).toBe(24576);
  });

  it("sends Gemini 3 an effort as the thinkingLevel Google documents, within each model's levels", async () => {
    const level = async (model: string, effort: OpenAI.ReasoningEffort, maxTokens?: number) =>
      (await chat(model, maxTokens, effort)).thinking;
    // Gemini 3 Pro takes low and high (a medium is answered 400), Gemini 3 Flash minimal to high.
    expect(await level(MODELS.gemini.name, 'low')).toEqual({ thinkingLevel: 'low', includeThoughts: true });
    expect(await level(MODELS.gemini.name, 'medium')).toEqual({ thinkingLevel: 'high', includeThoughts: true });
    expect(await level(MODELS.gemini.name, 'high', 30_000)).toEqual({ thinkingLevel: 'high', includeThoughts: true });
    expect(await level(GEMINI.flash3.name, 'medium')).toEqual({ thinkingLevel: 'medium', includeThoughts: true });
    // The Responses dialect's effort, as Codex sends it, takes the same road.
    await gateway.harness.openai().responses.create({
      model: GEMINI.flash3.name,
      input: 'hi',
      store: false,
      reasoning: { effort: 'high' },
    });
    expect(sentConfig().thinkingConfig).toEqual({ thinkingLevel: 'high', includeThoughts: true });
  });

  it('turns thinking off on 2.5 Flash-Lite when the fitted budget falls below its smallest (512), and says so', async () => {
    expect(await chat(GEMINI.flashLite.name, 1000, 'high')).toEqual({
      thinking: { thinkingBudget: 0 },
      dropped: 'reasoning_effort',
    });
    expect(await chat(GEMINI.flashLite.name, 1100, 'high')).toEqual({
      thinking: { thinkingBudget: 550, includeThoughts: true },
      dropped: null,
    });
  });

  it("caps a budget at the family's largest: 24576 on 2.5 Flash, 32768 on 2.5 Pro", async () => {
    const client = gateway.harness.anthropic();
    const ask = (model: string) =>
      client.messages.create(
        {
          model,
          max_tokens: 64_000,
          thinking: { type: 'enabled', budget_tokens: 40_000 },
          messages: [{ role: 'user', content: 'Why is the sky blue?' }],
        },
        { timeout: 30_000 }, // a limit this large otherwise makes the SDK insist on streaming
      );
    await ask(GEMINI.flash.name);
    expect(sentConfig().thinkingConfig?.thinkingBudget).toBe(24_576);
    await ask(GEMINI.pro.name);
    expect(sentConfig().thinkingConfig?.thinkingBudget).toBe(32_768);
  });

  it('takes a small budget on 2.5 Flash, whose range starts above 0, without a report', async () => {
    expect(await chat(GEMINI.flash.name, 100, 'high')).toEqual({
      thinking: { thinkingBudget: 50, includeThoughts: true },
      dropped: null,
    });
  });

  it('sends the least thinking and reports it where the model cannot turn thinking off', async () => {
    expect(await chat(GEMINI.pro.name, 200, 'high')).toEqual({
      thinking: { thinkingBudget: 128 },
      dropped: 'reasoning_effort',
    });
    expect(await chat(MODELS.gemini.name, 100, 'high')).toEqual({
      thinking: { thinkingLevel: 'low' },
      dropped: 'reasoning_effort',
    });
  });

  it('reports minimal effort whose least thinking a tiny limit cannot hold (2.5 Pro, Gemini 3)', async () => {
    expect(await chat(GEMINI.pro.name, 100, 'minimal')).toEqual({
      thinking: { thinkingBudget: 128 },
      dropped: 'reasoning_effort',
    });
    expect(await chat(GEMINI.pro.name, 1000, 'minimal')).toEqual({ thinking: { thinkingBudget: 128 }, dropped: null });
    expect(await chat(MODELS.gemini.name, 200, 'minimal')).toEqual({
      thinking: { thinkingLevel: 'low' },
      dropped: 'reasoning_effort',
    });
    expect(await chat(GEMINI.flashLite.name, 10, 'minimal')).toEqual({
      thinking: { thinkingBudget: 0 },
      dropped: null,
    });
  });

  it('refuses under strict translation a limit with no room for thinking and an answer, naming max_completion_tokens', async () => {
    const refusal = await chat(GEMINI.strict.name, 1000, 'high').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refusal as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('max_completion_tokens');
    expect(gateway.geminiUpstream.chatRequests()).toHaveLength(0);
  });
});
