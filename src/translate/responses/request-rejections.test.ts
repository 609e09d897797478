import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.js';
import { HintReport } from '../shared/hint-report.js';
import { parseResponsesRequest } from './request-from-client.js';

function rejection(body: Record<string, unknown>): GatewayError {
  try {
    // Strict translation: what the gateway refused before hints were mapped or dropped (hint-report.ts).
    parseResponsesRequest(body, new HintReport(true));
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error(`expected a rejection for ${JSON.stringify(body)}`);
}

const base = { model: 'gpt-4.1', input: 'hi' };
const userWith = (part: Record<string, unknown>) => ({ ...base, input: [{ role: 'user', content: [part] }] });

const CASES: Array<{ name: string; body: Record<string, unknown>; param: string; message: RegExp }> = [
  {
    name: 'a previous_response_id that is not a string',
    body: { ...base, previous_response_id: 7 },
    param: 'previous_response_id',
    message: /must be a string/,
  },
  {
    name: 'conversation',
    body: { ...base, conversation: 'conv_1' },
    param: 'conversation',
    message: /stores no conversations.*previous_response_id/,
  },
  { name: 'background: true', body: { ...base, background: true }, param: 'background', message: /nothing to poll/ },
  {
    name: 'a stored prompt',
    body: { ...base, prompt: { id: 'pmpt_1' } },
    param: 'prompt',
    message: /prompt templates/,
  },
  {
    name: 'context management',
    body: { ...base, context_management: [{ type: 'compaction' }] },
    param: 'context_management',
    message: /stores no compacted context/,
  },
  {
    name: 'moderation',
    body: { ...base, moderation: { model: 'omni-moderation-latest' } },
    param: 'moderation',
    message: /OpenAI/,
  },
  {
    name: "truncation 'middle'",
    body: { ...base, truncation: 'middle' },
    param: 'truncation',
    message: /'auto' or 'disabled'/,
  },
  { name: 'an unknown field', body: { ...base, top_k: 40 }, param: 'top_k', message: /unknown parameter 'top_k'/ },
  {
    name: 'top_logprobs above 20',
    body: { ...base, top_logprobs: 21 },
    param: 'top_logprobs',
    message: /from 0 to 20/,
  },
  { name: 'a missing model', body: { input: 'hi' }, param: 'model', message: /model/ },
  { name: 'a missing input', body: { model: 'm' }, param: 'input', message: /stateless/ },
  {
    name: 'a wrongly typed temperature',
    body: { ...base, temperature: 'hot' },
    param: 'temperature',
    message: /must be a number/,
  },
  {
    name: 'a zero max_output_tokens',
    body: { ...base, max_output_tokens: 0 },
    param: 'max_output_tokens',
    message: /positive integer/,
  },
  {
    name: 'the web_search tool',
    body: { ...base, tools: [{ type: 'web_search' }] },
    param: 'tools[0].type',
    message: /function tools only/,
  },
  {
    name: 'the file_search tool',
    body: { ...base, tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] },
    param: 'tools[0].type',
    message: /built-in/,
  },
  {
    name: 'a custom tool whose format is neither text nor a grammar',
    body: {
      ...base,
      tools: [
        { type: 'function', name: 'f', parameters: {} },
        { type: 'custom', name: 'c', format: { type: 'json' } },
      ],
    },
    param: 'tools[1].format.type',
    message: /custom tool format 'json' is not supported/,
  },
  {
    name: 'mcp tools',
    body: { ...base, tools: [{ type: 'mcp', server_label: 'x' }] },
    param: 'tools[0].type',
    message: /built-in/,
  },
  {
    name: 'a built-in tool choice',
    body: { ...base, tool_choice: { type: 'file_search' } },
    param: 'tool_choice.type',
    message: /not supported/,
  },
  {
    name: 'an unknown tool choice',
    body: { ...base, tool_choice: 'any' },
    param: 'tool_choice',
    message: /'none', 'auto', 'required'/,
  },
  {
    name: 'an item reference',
    body: {
      ...base,
      input: [
        { role: 'user', content: 'x' },
        { type: 'item_reference', id: 'msg_1' },
      ],
    },
    param: 'input[1].type',
    message: /stateless/,
  },
  {
    name: 'an untyped item reference',
    body: { ...base, input: [{ id: 'msg_1' }] },
    param: 'input[0].type',
    message: /stateless/,
  },
  {
    name: 'a built-in tool call item',
    body: { ...base, input: [{ type: 'web_search_call', id: 'ws_1', status: 'completed' }] },
    param: 'input[0].type',
    message: /built-in/,
  },
  {
    name: 'an unknown item type',
    body: { ...base, input: [{ type: 'mystery' }] },
    param: 'input[0].type',
    message: /unsupported input item type/,
  },
  {
    name: 'an input_file by id',
    body: userWith({ type: 'input_file', file_id: 'file-1' }),
    param: 'input[0].content[0].file_id',
    message: /no file store/,
  },
  {
    name: 'an input_file by URL',
    body: userWith({ type: 'input_file', file_url: 'https://x/y.pdf' }),
    param: 'input[0].content[0].file_url',
    message: /no file store/,
  },
  {
    name: 'an input_image by id',
    body: userWith({ type: 'input_image', file_id: 'file-1', detail: 'auto' }),
    param: 'input[0].content[0].file_id',
    message: /no file store/,
  },
  {
    name: 'an image URL with another scheme',
    body: userWith({ type: 'input_image', image_url: 'ftp://x/y.png' }),
    param: 'input[0].content[0].image_url',
    message: /http\(s\)/,
  },
  {
    name: 'bare file data without a telling name',
    body: userWith({ type: 'input_file', file_data: 'AAAA', filename: 'blob.bin' }),
    param: 'input[0].content[0].file_data',
    message: /data URL/,
  },
  {
    name: 'an image in an assistant message',
    body: { ...base, input: [{ role: 'assistant', content: [{ type: 'input_image', image_url: 'https://x/y.png' }] }] },
    param: 'input[0].content[0].type',
    message: /assistant message/,
  },
  {
    name: 'an image in a system message',
    body: { ...base, input: [{ role: 'system', content: [{ type: 'input_image', image_url: 'https://x/y.png' }] }] },
    param: 'input[0].content[0].type',
    message: /system message/,
  },
  {
    name: 'a file in a tool output',
    body: {
      ...base,
      input: [{ type: 'function_call_output', call_id: 'c', output: [{ type: 'input_file', file_data: 'x' }] }],
    },
    param: 'input[0].output[0].type',
    message: /input_text and input_image/,
  },
  {
    name: 'a damaged gateway envelope',
    body: { ...base, input: [{ type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'amg1:%%%' }] },
    param: 'input[0].encrypted_content',
    message: /damaged/,
  },
  {
    name: 'a function_call without arguments',
    body: { ...base, input: [{ type: 'function_call', call_id: 'c', name: 'f' }] },
    param: 'input[0].arguments',
    message: /missing required/,
  },
  {
    name: 'a message without content',
    body: { ...base, input: [{ role: 'user' }] },
    param: 'input[0].content',
    message: /missing required parameter/,
  },
  {
    name: 'a function_call_output without output',
    body: { ...base, input: [{ type: 'function_call_output', call_id: 'c' }] },
    param: 'input[0].output',
    message: /missing required parameter/,
  },
  {
    name: 'a bad role',
    body: { ...base, input: [{ role: 'tool', content: 'x' }] },
    param: 'input[0].role',
    message: /must be one of/,
  },
  {
    name: "reasoning effort 'xhigh'",
    body: { ...base, reasoning: { effort: 'xhigh' } },
    param: 'reasoning.effort',
    message: /no equivalent/,
  },
  {
    name: 'a reasoning context',
    body: { ...base, reasoning: { context: 'all_turns' } },
    param: 'reasoning.context',
    message: /specific to OpenAI/,
  },
  {
    name: 'a verbosity OpenAI has not',
    body: { ...base, text: { verbosity: 'terse' } },
    param: 'text.verbosity',
    message: /medium/,
  },
  {
    name: 'an unknown text format',
    body: { ...base, text: { format: { type: 'grammar' } } },
    param: 'text.format.type',
    message: /json_schema/,
  },
  {
    name: 'a json_schema without a schema',
    body: { ...base, text: { format: { type: 'json_schema', name: 'x' } } },
    param: 'text.format.schema',
    message: /missing required parameter 'text.format.schema'/,
  },
];

describe('rejecting what the gateway cannot honour', () => {
  for (const { name, body, param, message } of CASES) {
    it(`rejects ${name} with a 400 naming ${param}`, () => {
      const error = rejection(body);
      expect(error.status).toBe(400);
      expect(error.param).toBe(param);
      expect(error.message).toMatch(message);
    });
  }
});
