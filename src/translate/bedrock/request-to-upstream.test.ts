import { describe, expect, it } from 'vitest';
import type { IrRequest } from '../ir/types.js';
import { HintReport } from '../shared/hint-report.js';
import { bedrockFamily } from './model-fields.js';
import { buildBedrockRequest } from './request-to-upstream.js';

const OPTIONS = { defaultMaxTokens: 4096, maxTokensField: 'max_tokens' as const, streamUsage: true };
const CLAUDE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const NOVA = 'us.amazon.nova-2-lite-v1:0';
const LLAMA = 'meta.llama3-3-70b-instruct-v1:0';

function request(overrides: Partial<IrRequest>): IrRequest {
  return {
    model: 'm',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    tools: [],
    stopSequences: [],
    stream: false,
    ...overrides,
  };
}

describe('bedrockFamily', () => {
  it('reads the family from model ids, inference profiles and ARNs', () => {
    expect(bedrockFamily('anthropic.claude-3-5-haiku-20241022-v1:0')).toBe('anthropic');
    expect(bedrockFamily(CLAUDE)).toBe('anthropic');
    expect(bedrockFamily('arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe(
      'anthropic',
    );
    expect(bedrockFamily(NOVA)).toBe('nova');
    expect(bedrockFamily('amazon.nova-pro-v1:0')).toBe('nova');
    expect(bedrockFamily(LLAMA)).toBe('other');
    expect(bedrockFamily('arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3')).toBe('other');
  });
});

describe('buildBedrockRequest: model-specific fields', () => {
  it("gives Claude Anthropic's thinking and top_k, the budget fitted inside the client's output limit", () => {
    const built = buildBedrockRequest(
      request({ reasoning: { budgetTokens: 8000 }, maxTokens: 4000, topK: 40 }),
      CLAUDE,
      OPTIONS,
    );
    // The client's limit is a stop condition (an OpenAI client counts reasoning inside it): it stays, and the
    // budget shrinks below it, as on Anthropic's own API.
    expect(built.additionalModelRequestFields).toEqual({
      thinking: { type: 'enabled', budget_tokens: 2000 },
      top_k: 40,
    });
    expect(built.inferenceConfig?.maxTokens).toBe(4000);
    const unlimited = buildBedrockRequest(request({ reasoning: { budgetTokens: 8000 } }), CLAUDE, OPTIONS);
    expect(unlimited.inferenceConfig?.maxTokens).toBe(8000 + OPTIONS.defaultMaxTokens);
    expect(unlimited.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 8000 } });
    expect(() =>
      buildBedrockRequest(request({ reasoning: { effort: 'high' }, maxTokens: 100 }), CLAUDE, OPTIONS),
    ).toThrow(expect.objectContaining({ status: 400, param: 'maxTokens' }));
  });

  it("gives Nova 2 its reasoningConfig with the budget's effort, top-k in its inferenceConfig, and no thinking", () => {
    const built = buildBedrockRequest(
      request({ reasoning: { budgetTokens: 31_999 }, maxTokens: 32_000, topK: 50 }),
      NOVA,
      OPTIONS,
    );
    expect(built.additionalModelRequestFields).toEqual({
      reasoningConfig: { type: 'enabled', maxReasoningEffort: 'high' },
      inferenceConfig: { topK: 50 },
    });
    expect(built.inferenceConfig?.maxTokens).toBe(32_000);
    expect(
      buildBedrockRequest(request({ reasoning: { effort: 'minimal' } }), NOVA, OPTIONS).additionalModelRequestFields,
    ).toEqual({ reasoningConfig: { type: 'enabled', maxReasoningEffort: 'low' } });
  });

  it('gives neither Claude nor Nova reasoning, and reports nothing dropped, when the effort is none', () => {
    const hints = new HintReport();
    for (const model of [CLAUDE, NOVA, LLAMA]) {
      const built = buildBedrockRequest(request({ reasoning: { effort: 'none' } }), model, { ...OPTIONS, hints });
      expect(built.additionalModelRequestFields).toBeUndefined();
    }
    expect(hints.dropped).toEqual([]);
  });

  it('drops and reports reasoning for another model, and refuses top-k, which would change its sampling', () => {
    const hints = new HintReport();
    const built = buildBedrockRequest(request({ reasoning: { budgetTokens: 4096 } }), LLAMA, { ...OPTIONS, hints });
    expect(built.additionalModelRequestFields).toBeUndefined();
    expect(hints.dropped).toEqual(['reasoning']);
    expect(() => buildBedrockRequest(request({ topK: 5 }), LLAMA, OPTIONS)).toThrow(
      expect.objectContaining({ status: 400, param: 'topK' }),
    );
  });
});

describe('buildBedrockRequest: prompt-cache marks', () => {
  const marked = request({
    system: [{ type: 'text', text: 'You are Claude Code.', cacheControl: { type: 'ephemeral', ttl: '1h' } }],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cacheControl: { type: 'ephemeral' } }] }],
    tools: [{ name: 'Bash', parameters: { type: 'object' }, cacheControl: { type: 'ephemeral' } }],
  });

  it('become cache points after the marked system block, message block and tool for Claude', () => {
    const hints = new HintReport();
    const built = buildBedrockRequest(marked, CLAUDE, { ...OPTIONS, hints });
    expect(built.system).toEqual([{ text: 'You are Claude Code.' }, { cachePoint: { type: 'default', ttl: '1h' } }]);
    expect(built.messages).toEqual([{ role: 'user', content: [{ text: 'hi' }, { cachePoint: { type: 'default' } }] }]);
    expect(built.toolConfig?.tools).toEqual([
      { toolSpec: { name: 'Bash', inputSchema: { json: { type: 'object' } } } },
      { cachePoint: { type: 'default' } },
    ]);
    expect(hints.dropped).toEqual([]);
  });

  it('stay in the system prompt and messages for Nova, the tool mark dropped and reported', () => {
    const hints = new HintReport();
    const built = buildBedrockRequest(marked, NOVA, { ...OPTIONS, hints });
    expect(built.system).toHaveLength(2);
    expect(built.messages[0]?.content).toHaveLength(2);
    expect(built.toolConfig?.tools).toHaveLength(1);
    expect(hints.dropped).toEqual(['cacheControl']);
  });

  it('are dropped and reported for a model without prompt caching', () => {
    const hints = new HintReport();
    const built = buildBedrockRequest(marked, LLAMA, { ...OPTIONS, hints });
    expect(JSON.stringify(built)).not.toContain('cachePoint');
    expect(hints.dropped).toEqual(['cacheControl']);
  });
});

describe('buildBedrockRequest: hints', () => {
  it('reports the end-user id as dropped', () => {
    const hints = new HintReport();
    const built = buildBedrockRequest(request({ user: 'user-1' }), CLAUDE, { ...OPTIONS, hints });
    expect(JSON.stringify(built)).not.toContain('user-1');
    expect(hints.dropped).toEqual(['user']);
  });
});
