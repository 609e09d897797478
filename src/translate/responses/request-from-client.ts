import { errors } from '../../errors/codes.js';
import type { IrRequest, IrTextPart } from '../ir/types.js';
import { HintReport } from '../shared/hint-report.js';
import { type Json, optBoolean, optNumber, optPositiveInteger, optString } from './field-readers.js';
import { parseReasoning, parseTextFormat, parseVerbosity } from './generation-options.js';
import { parseInput } from './input-items.js';
import { checkTopLevelFields } from './request-fields.js';
import { parseToolsAndChoice } from './tools-from-client.js';

/**
 * A Responses API request (`POST /v1/responses`) as IR. `instructions` opens the system prompt; `input` becomes
 * the messages (see input-items.ts); `safety_identifier`, or else `user`, becomes the IR end-user id. The other
 * top-level fields are checked in request-fields.ts.
 */
export function parseResponsesRequest(body: Json, hints: HintReport = new HintReport()): IrRequest {
  checkTopLevelFields(body, hints);
  const model = optString(body, 'model', '');
  if (model === undefined) throw errors.missingModel();
  const input = parseInput(body.input);
  const { tools, toolChoice } = parseToolsAndChoice(body.tools, body.tool_choice, hints);
  const request: IrRequest = {
    model,
    system: [...instructionsOf(body), ...input.system],
    messages: input.messages,
    tools,
    stopSequences: [],
    stream: optBoolean(body, 'stream', '') ?? false,
  };
  const optional: Partial<IrRequest> = {
    toolChoice,
    parallelToolCalls: optBoolean(body, 'parallel_tool_calls', ''),
    maxTokens: optPositiveInteger(body, 'max_output_tokens', ''),
    temperature: optNumber(body, 'temperature', ''),
    topP: optNumber(body, 'top_p', ''),
    responseFormat: parseTextFormat(body.text),
    verbosity: parseVerbosity(body.text),
    reasoning: parseReasoning(body.reasoning, hints),
    user: optString(body, 'safety_identifier', '') ?? optString(body, 'user', ''),
    logprobs: parseLogprobs(body),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(request, { [key]: value });
  }
  return request;
}

/** Top alternatives per token the Responses API takes: 0 to 20. */
const MAX_TOP_LOGPROBS = 20;

/**
 * Log probabilities are returned when the `message.output_text.logprobs` include item asks for them, or
 * `top_logprobs` asks for alternatives (which come with each token's own).
 */
function parseLogprobs(body: Json): IrRequest['logprobs'] {
  const top = optNumber(body, 'top_logprobs', '') ?? 0;
  if (!Number.isInteger(top) || top < 0 || top > MAX_TOP_LOGPROBS) {
    throw errors.invalidBody(`'top_logprobs' must be an integer from 0 to ${MAX_TOP_LOGPROBS}`, 'top_logprobs');
  }
  const included = Array.isArray(body.include) && body.include.includes('message.output_text.logprobs');
  return included || top > 0 ? { top } : undefined;
}

function instructionsOf(body: Json): IrTextPart[] {
  const instructions = optString(body, 'instructions', '');
  return instructions === undefined || instructions === '' ? [] : [{ type: 'text', text: instructions }];
}
