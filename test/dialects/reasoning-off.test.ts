import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DialectGateway } from './support/dialect-gateway.js';

/**
 * An Anthropic client's `thinking: {type: "disabled"}` toward an OpenAI reasoning model used to send no
 * `reasoning_effort`, which leaves gpt-5 and the o-series reasoning at their default (`medium`). It now goes as
 * the lowest effort the model takes: `minimal` on gpt-5, `none` on gpt-5.1 and later, `low` on the o-series;
 * still nothing toward a model that takes no effort (a hint, never a reason to fail).
 */

const MODELS: Record<string, string> = {
  'gpt-5-mini': 'minimal',
  'gpt-5.1': 'none',
  o3: 'low',
  'gpt-5.1-codex': 'low',
  'gpt-4o': 'nothing',
};

describe('thinking disabled toward an OpenAI reasoning model', () => {
  let gateway: DialectGateway;

  beforeAll(async () => {
    gateway = await DialectGateway.start(
      Object.keys(MODELS).map((model) => ({ name: `off-${model}`, targets: [{ provider: 'oai', model }] })),
    );
  });
  afterAll(async () => gateway?.close());
  beforeEach(() => gateway.reset());

  for (const [model, effort] of Object.entries(MODELS)) {
    it(`sends ${model} reasoning_effort ${effort}`, async () => {
      await gateway.harness.anthropic().messages.create({
        model: `off-${model}`,
        max_tokens: 256,
        thinking: { type: 'disabled' },
        messages: [{ role: 'user', content: 'Hi' }],
      });
      const sent = gateway.openaiUpstream.requestsTo('/v1/chat/completions').at(-1)?.body as Record<string, unknown>;
      expect(sent.model).toBe(model);
      expect(sent.reasoning_effort ?? 'nothing').toBe(effort);
    });
  }
});
