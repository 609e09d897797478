import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DialectGateway, MODELS } from '../dialects/support/dialect-gateway.js';

/**
 * Gemini counts thoughts against `maxOutputTokens`. `max_completion_tokens: 1000` with `reasoning_effort: high`
 * (a 24,576-token budget) used to go as that budget under a 1,000-token cap: the thoughts took it all and the
 * answer came back empty. The budget now fits under the cap, as OpenAI's limit includes reasoning tokens and
 * Anthropic requires max_tokens > budget_tokens; a cap with no room for Gemini's smallest budget and an answer is
 * refused naming the client's field.
 */

let gateway: DialectGateway;

type Config = { maxOutputTokens?: number; thinkingConfig?: { thinkingBudget: number; includeThoughts: boolean } };

function sentConfig(): Config {
  const body = gateway.geminiUpstream.chatRequests().at(-1)?.body as { generationConfig: Config } | undefined;
  return body?.generationConfig ?? {};
}

describe('Gemini thinking budget and the output limit', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(() => gateway.reset());

  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Why is the sky blue?' }];

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
      .chat.completions.create({ model: MODELS.gemini.name, messages, reasoning_effort: 'high' });
    expect(sentConfig().thinkingConfig?.thinkingBudget).toBe(24576);
  });

  it('refuses a limit with no room for thinking and an answer, naming max_completion_tokens', async () => {
    const refusal = await gateway.harness
      .openai()
      .chat.completions.create({
        model: MODELS.gemini.name,
        messages,
        max_completion_tokens: 100,
        reasoning_effort: 'high',
      })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refusal as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('max_completion_tokens');
    expect(gateway.geminiUpstream.chatRequests()).toHaveLength(0);
  });
});
