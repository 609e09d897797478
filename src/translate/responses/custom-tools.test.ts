import { describe, expect, it } from 'vitest';
import { HintReport } from '../shared/hint-report.js';
import { testContext } from './fixtures/encode-context.js';
import { parseResponsesRequest } from './request-from-client.js';
import { encodeResponsesResponse } from './response-to-client.js';

/** Codex's apply_patch as it declares it for a freeform model (the grammar shortened). */
const APPLY_PATCH = {
  type: 'custom',
  name: 'apply_patch',
  description: 'Use the `apply_patch` tool to edit files.',
  format: { type: 'grammar', syntax: 'lark', definition: 'start: begin_patch hunk+ end_patch' },
};
const PATCH = '*** Begin Patch\n*** Add File: a.txt\n+a\n*** End Patch\n';

describe('custom (freeform) tools on translated routes', () => {
  it('go upstream as a function of one string, the grammar told to the model and reported dropped', () => {
    const hints = new HintReport();
    const request = parseResponsesRequest({ model: 'm', input: 'hi', tools: [APPLY_PATCH] }, hints);
    expect(request.tools).toEqual([
      {
        name: 'apply_patch',
        description: expect.stringMatching(/^Use the `apply_patch` tool to edit files\.\n\n.*lark grammar:\nstart:/s),
        parameters: {
          type: 'object',
          properties: { input: { type: 'string', description: expect.stringContaining('start: begin_patch') } },
          required: ['input'],
        },
      },
    ]);
    expect(hints.dropped).toEqual(['tools[].format']);
  });

  it('are refused with their grammar under strict translation, and a text format is not a drop', () => {
    const strict = () => parseResponsesRequest({ model: 'm', input: 'hi', tools: [APPLY_PATCH] }, new HintReport(true));
    expect(strict).toThrow(expect.objectContaining({ param: 'tools[0].format' }));
    const hints = new HintReport(true);
    const text = { type: 'custom', name: 'note', format: { type: 'text' } };
    expect(parseResponsesRequest({ model: 'm', input: 'hi', tools: [text] }, hints).tools[0]?.name).toBe('note');
    expect(hints.dropped).toEqual([]);
  });

  it('have their calls and outputs sent back as the function call and result, and a choice by name kept', () => {
    const request = parseResponsesRequest({
      model: 'm',
      tools: [APPLY_PATCH],
      tool_choice: { type: 'custom', name: 'apply_patch' },
      input: [
        { role: 'user', content: 'add a.txt' },
        { type: 'custom_tool_call', id: 'ctc_1', call_id: 'call_1', name: 'apply_patch', input: PATCH },
        {
          type: 'custom_tool_call_output',
          call_id: 'call_1',
          output: 'Success. Updated the following files:\nA a.txt',
        },
      ],
    });
    expect(request.toolChoice).toEqual({ type: 'tool', name: 'apply_patch' });
    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          {
            type: 'tool_call',
            id: 'call_1',
            name: 'apply_patch',
            arguments: JSON.stringify({ input: PATCH }),
            path: 'input[1].input',
          },
        ],
        path: 'input[1]',
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            toolCallId: 'call_1',
            content: [{ type: 'text', text: 'Success. Updated the following files:\nA a.txt' }],
            path: 'input[2].output',
          },
        ],
        path: 'input[2]',
      },
    ]);
  });

  it("answer a call as a custom_tool_call carrying the raw input, a function's call as before", () => {
    const body = encodeResponsesResponse(
      {
        id: 'msg_upstream',
        model: 'claude-sonnet-4-6',
        content: [
          { type: 'tool_call', id: 'toolu_1', name: 'apply_patch', arguments: JSON.stringify({ input: PATCH }) },
          { type: 'tool_call', id: 'toolu_2', name: 'exec_command', arguments: '{"cmd":"ls"}' },
        ],
        stopReason: 'tool_use',
        usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
      testContext({ model: 'gpt-5.5', input: 'hi', tools: [APPLY_PATCH, { type: 'function', name: 'exec_command' }] }),
    );
    expect(body.output).toEqual([
      {
        id: expect.any(String),
        type: 'custom_tool_call',
        status: 'completed',
        call_id: 'toolu_1',
        name: 'apply_patch',
        input: PATCH,
      },
      expect.objectContaining({ type: 'function_call', name: 'exec_command', arguments: '{"cmd":"ls"}' }),
    ]);
  });
});
