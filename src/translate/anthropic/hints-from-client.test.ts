import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.js';
import { buildChatRequest } from '../openai-chat/request-to-upstream.js';
import { HintReport } from '../shared/hint-report.js';
import { parseAnthropicRequest } from './request-from-client.js';

/** What Claude Code sends by default, cut down to the fields that matter here (captured from 2.1.332). */
const claudeCode = {
  model: 'claude-opus-4-6',
  max_tokens: 64000,
  system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'list the files' }] },
    { role: 'system', content: [{ type: 'text', text: '# Environment\ncwd: /tmp/x' }] },
  ],
  tools: [
    { name: 'Bash', description: 'Runs a command', input_schema: { type: 'object', properties: {} } },
    {
      name: 'DeferredToolPlaceholder',
      description: 'Loaded later',
      input_schema: { type: 'object', properties: {} },
      defer_loading: true,
    },
  ],
  metadata: {
    user_id: JSON.stringify({ device_id: 'dev-1', account_uuid: '', session_id: 'sess-9' }),
  },
  thinking: { type: 'adaptive', display: 'omitted' },
  output_config: { effort: 'high' },
  context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
  stream: true,
};

const options = { defaultMaxTokens: 4096, maxTokensField: 'max_tokens' as const, streamUsage: true };

function refusal(body: Record<string, unknown>): GatewayError {
  try {
    parseAnthropicRequest(body, new HintReport(true));
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('the request was accepted');
}

describe("Claude Code's hints toward an OpenAI-compatible provider", () => {
  it('maps adaptive thinking and effort to reasoning_effort and keeps the mid-conversation system message in place', () => {
    const hints = new HintReport();
    const body = buildChatRequest(parseAnthropicRequest(claudeCode, hints), 'gpt-upstream', options);
    expect(body.reasoning_effort).toBe('high');
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are Claude Code.' },
      { role: 'user', content: 'list the files' },
      { role: 'system', content: '# Environment\ncwd: /tmp/x' },
    ]);
    expect((body.tools as unknown[]).length).toBe(2);
  });

  it('reports every hint it drops, each once, and nothing it mapped', () => {
    const hints = new HintReport();
    parseAnthropicRequest(claudeCode, hints);
    expect(hints.dropped).toEqual(['context_management', 'tools[].defer_loading', 'thinking.display']);
  });

  it("sends the stable part of Claude Code's JSON user id, not the per-session string", () => {
    expect(parseAnthropicRequest(claudeCode).user).toBe('dev-1');
    const account = JSON.stringify({ device_id: 'dev-1', account_uuid: 'acct-2', session_id: 's' });
    expect(parseAnthropicRequest({ ...claudeCode, metadata: { user_id: account } }).user).toBe('acct-2');
    expect(parseAnthropicRequest({ ...claudeCode, metadata: { user_id: 'user_abc' } }).user).toBe('user_abc');
  });

  it('leaves the depth to the upstream for adaptive thinking without an effort', () => {
    const { output_config: _, ...body } = claudeCode;
    const ir = parseAnthropicRequest(body);
    expect(ir.reasoning).toEqual({});
    expect(buildChatRequest(ir, 'gpt-upstream', options).reasoning_effort).toBeUndefined();
  });

  it('reads max effort as high, and an enabled budget keeps the effort the client asked for', () => {
    expect(parseAnthropicRequest({ ...claudeCode, output_config: { effort: 'max' } }).reasoning).toEqual({
      effort: 'high',
    });
    const budget = {
      ...claudeCode,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      output_config: { effort: 'low' },
    };
    expect(parseAnthropicRequest(budget).reasoning).toEqual({ budgetTokens: 2048, effort: 'low' });
  });

  it('drops the effort with thinking disabled and says so', () => {
    const hints = new HintReport();
    const ir = parseAnthropicRequest({ ...claudeCode, thinking: { type: 'disabled' } }, hints);
    expect(ir.reasoning).toEqual({ effort: 'none' });
    expect(hints.dropped).toContain('output_config.effort');
  });

  it('drops the web search and tool search server tools, and refuses a server tool that runs code', () => {
    const hints = new HintReport();
    const tools = [...claudeCode.tools, { type: 'web_search_20250305', name: 'web_search' }];
    const ir = parseAnthropicRequest({ ...claudeCode, tools }, hints);
    expect(ir.tools.map((tool) => tool.name)).toEqual(['Bash', 'DeferredToolPlaceholder']);
    expect(hints.dropped).toContain('tools.web_search_20250305');
    const code = [{ type: 'code_execution_20250825', name: 'code_execution' }];
    expect(() => parseAnthropicRequest({ ...claudeCode, tools: code })).toThrow(/Anthropic-defined tool/);
  });

  it('takes display "updates" as summarized thinking without reporting a drop', () => {
    const hints = new HintReport();
    parseAnthropicRequest({ ...claudeCode, thinking: { type: 'adaptive', display: 'updates' } }, hints);
    expect(hints.dropped).not.toContain('thinking.display');
  });

  // Each case is a plain request plus one of Claude Code's hints.
  const plain = {
    ...claudeCode,
    messages: [claudeCode.messages[0]],
    tools: [claudeCode.tools[0]],
    thinking: undefined,
    output_config: undefined,
    context_management: undefined,
  };
  it.each([
    ['context_management', { context_management: claudeCode.context_management }],
    ['messages[1].role', { messages: claudeCode.messages }],
    ['thinking.type', { thinking: { type: 'adaptive' } }],
    ['output_config.effort', { output_config: { effort: 'high' } }],
    ['tools[1].defer_loading', { tools: claudeCode.tools }],
    ['thinking.display', { thinking: { type: 'enabled', budget_tokens: 2048, display: 'omitted' } }],
  ])('refuses under strict translation, naming %s', (param, change) => {
    expect(() => parseAnthropicRequest(plain)).not.toThrow();
    expect(refusal({ ...plain, ...change }).param).toBe(param);
  });
});
