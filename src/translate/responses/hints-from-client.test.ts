import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.js';
import { buildAnthropicRequest } from '../anthropic/request-to-upstream.js';
import { HintReport } from '../shared/hint-report.js';
import { parseResponsesRequest } from './request-from-client.js';
import { encodeResponsesResponse } from './response-to-client.js';
import { ResponsesStreamEncoder } from './stream-to-client.js';

/** What Codex sends by default, cut down to the fields that matter here (captured from 0.171.0). */
const codex = {
  model: 'gpt-5.2',
  instructions: 'You are Codex.',
  input: [{ type: 'message', id: 'msg_1', role: 'user', content: [{ type: 'input_text', text: 'run ls' }] }],
  tools: [
    { type: 'function', name: 'exec_command', strict: false, parameters: { type: 'object', properties: {} } },
    {
      type: 'namespace',
      name: 'multi_agent_v1',
      description: 'Tools for sub-agents.',
      tools: [
        { type: 'function', name: 'close_agent', description: 'Close an agent.', parameters: { type: 'object' } },
      ],
    },
    { type: 'web_search', external_web_access: false },
  ],
  tool_choice: 'auto',
  parallel_tool_calls: true,
  reasoning: { summary: 'auto' },
  store: false,
  stream: true,
  include: ['reasoning.encrypted_content'],
  prompt_cache_key: 'sess-1',
  client_metadata: { session_id: 'sess-1' },
};

const context = (clientRequest: Record<string, unknown>) => {
  let n = 0;
  return { clientRequest, createdAt: 1, newId: (prefix: string) => `${prefix}${++n}` };
};

describe("Codex's hints toward another provider", () => {
  it('flattens namespace groups into function tools and drops hosted web search', () => {
    const hints = new HintReport();
    const ir = parseResponsesRequest(codex, hints);
    expect(ir.tools.map((tool) => tool.name)).toEqual(['exec_command', 'multi_agent_v1__close_agent']);
    expect(ir.tools[1]?.description).toBe('Tools for sub-agents.\n\nClose an agent.');
    expect(hints.dropped).toEqual(['prompt_cache_key', 'client_metadata', 'tools.web_search']);
  });

  it('drops and reports max_tool_calls, which bounds only the hosted tools a translated request cannot carry', () => {
    const hints = new HintReport();
    const ir = parseResponsesRequest({ ...codex, max_tool_calls: 3 }, hints);
    expect(ir.tools.map((tool) => tool.name)).toEqual(['exec_command', 'multi_agent_v1__close_agent']);
    expect(hints.dropped).toContain('max_tool_calls');
  });

  it('gives a call of a flattened tool back with its name and namespace, streamed or not', () => {
    const call = { type: 'tool_call' as const, id: 'call_1', name: 'multi_agent_v1__close_agent', arguments: '{}' };
    const usage = { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 };
    const response = { id: 'x', model: 'm', content: [call], stopReason: 'tool_use' as const, usage };
    const json = encodeResponsesResponse(response, context(codex));
    expect(json.output[0]).toMatchObject({ type: 'function_call', name: 'close_agent', namespace: 'multi_agent_v1' });

    const encoder = new ResponsesStreamEncoder(context(codex));
    const text = [
      encoder.encode({ type: 'start', id: 'x', model: 'm' }),
      encoder.encode({ type: 'block_start', index: 0, block: { type: 'tool_call', id: 'call_1', name: call.name } }),
      encoder.encode({ type: 'block_stop', index: 0 }),
    ].join('');
    expect(text).toContain('"name":"close_agent","namespace":"multi_agent_v1"');
  });

  it('flattens a namespaced call sent back in the history so it matches its tool again', () => {
    const input = [
      ...codex.input,
      { type: 'function_call', call_id: 'c1', name: 'close_agent', namespace: 'multi_agent_v1', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c1', output: 'closed' },
    ];
    const ir = parseResponsesRequest({ ...codex, input });
    expect(ir.messages[1]?.content[0]).toMatchObject({ type: 'tool_call', name: 'multi_agent_v1__close_agent' });
  });

  it("sends the model's known output limit to Anthropic when Codex sets none", () => {
    const ir = parseResponsesRequest(codex);
    const options = { defaultMaxTokens: 64000, maxTokensField: 'max_tokens' as const, streamUsage: true };
    expect(buildAnthropicRequest(ir, 'claude-sonnet-4-5', options).max_tokens).toBe(64000);
  });

  it.each(['xhigh', 'max'])(
    "reads Codex's reasoning effort '%s' as high, the deepest other providers take",
    (effort) => {
      const ir = parseResponsesRequest({ ...codex, reasoning: { effort, summary: 'auto' } }, new HintReport());
      expect(ir.reasoning).toEqual({ effort: 'high', summary: 'auto' });
    },
  );

  it('reads a verbosity other than medium for the upstream builder to send or drop', () => {
    const hints = new HintReport();
    expect(parseResponsesRequest({ ...codex, text: { verbosity: 'low' } }, hints).verbosity).toBe('low');
    expect(parseResponsesRequest({ ...codex, text: { verbosity: 'medium' } }, hints)).not.toHaveProperty('verbosity');
    expect(hints.dropped).not.toContain('text.verbosity');
  });

  it.each([
    ['client_metadata', {}],
    ['tools[2].type', { client_metadata: undefined }],
  ])('refuses under strict translation, naming %s', (param, change) => {
    let error: unknown;
    try {
      parseResponsesRequest({ ...codex, ...change }, new HintReport(true));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).param).toBe(param);
  });
});
