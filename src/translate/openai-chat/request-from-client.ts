import { errors } from '../../errors/codes.js';
import type { IrReasoning, IrRequest } from '../ir/types.js';
import { HintReport } from '../shared/hint-report.js';
import { irVerbosity } from '../shared/verbosity.js';
import {
  expectArray,
  type JsonObject,
  optionalBoolean,
  optionalEnum,
  optionalNumber,
  optionalString,
  requiredString,
  wrongType,
} from './field-readers.js';
import { parseMessages } from './messages-from-client.js';
import { checkStreamOptions, parseResponseFormat, parseToolsAndChoice } from './tools-from-client.js';
import { checkTopLevelFields } from './top-level-fields.js';

/**
 * A Chat Completions request body -> IR. Field rules (which top-level fields are read, dropped as hints or
 * refused) live in top-level-fields.ts; message rules in messages-from-client.ts.
 *
 * - `max_completion_tokens` and its older name `max_tokens` both set the output limit (equal values if both).
 * - `reasoning_effort: "none"` asks for no reasoning (IR effort `none`: the least thinking toward Gemini); `xhigh` and `max` (newer OpenAI
 *   models offer them) read as `high`, the deepest every upstream takes, as the Responses and Anthropic entry
 *   points read them; strict translation refuses them instead.
 * - `safety_identifier` (OpenAI's newer name for an end-user id) becomes the IR `user`, ahead of `user`.
 */

const EFFORTS = ['minimal', 'low', 'medium', 'high'] as const;

function readMaxTokens(body: JsonObject): number | undefined {
  const current = optionalNumber(body, 'max_completion_tokens', '', { min: 1, integer: true });
  const legacy = optionalNumber(body, 'max_tokens', '', { min: 1, integer: true });
  if (current !== undefined && legacy !== undefined && current !== legacy) {
    throw errors.invalidBody("'max_tokens' and 'max_completion_tokens' disagree; send only one of them", 'max_tokens');
  }
  return current ?? legacy;
}

function readStop(body: JsonObject): string[] {
  const stop = body.stop;
  if (stop === undefined || stop === null) return [];
  if (typeof stop === 'string') return [stop];
  return expectArray(stop, 'stop').map((item, index) => {
    if (typeof item !== 'string') throw wrongType(`stop[${index}]`, 'a string', item);
    return item;
  });
}

function readReasoning(body: JsonObject, hints: HintReport): IrReasoning | undefined {
  const effort = optionalString(body, 'reasoning_effort', '');
  if (effort === undefined) return undefined;
  if (effort === 'none') return { effort: 'none' };
  if (effort === 'xhigh' || effort === 'max') {
    hints.mapUnlessStrict(() =>
      errors.invalidBody(
        `reasoning_effort '${effort}' has no equivalent upstream; use 'minimal', 'low', 'medium' or 'high'`,
        'reasoning_effort',
      ),
    );
    return { effort: 'high' };
  }
  if (!(EFFORTS as readonly string[]).includes(effort)) {
    throw errors.invalidBody(
      `invalid value for 'reasoning_effort': '${effort}' is not available for this model; use 'none', 'minimal', 'low', 'medium' or 'high'`,
      'reasoning_effort',
    );
  }
  return { effort: effort as IrReasoning['effort'] };
}

function readModel(body: JsonObject): string {
  const model = requiredString(body, 'model', '');
  if (model === '') throw errors.missingModel();
  return model;
}

export function parseChatRequest(body: JsonObject, hints: HintReport = new HintReport()): IrRequest {
  checkTopLevelFields(body, hints);
  const model = readModel(body);
  checkStreamOptions(body.stream_options);
  const { system, messages } = parseMessages(body.messages);
  const user = optionalString(body, 'user', '');
  const { tools, toolChoice } = parseToolsAndChoice(body.tools, body.tool_choice);
  const request: IrRequest = {
    model,
    system,
    messages,
    tools,
    stopSequences: readStop(body),
    stream: optionalBoolean(body, 'stream', '') ?? false,
  };
  addOptionalFields(request, body, hints, toolChoice, user);
  return request;
}

/**
 * The optional IR fields, each set only when the client set it (so absent, not undefined), in the order they were
 * always read. Assigned one by one rather than gathered in an object and spread in: in Node 20's V8 a spread member
 * is defined through the runtime, and gathering them took a keyed store per field.
 */
function addOptionalFields(
  request: IrRequest,
  body: JsonObject,
  hints: HintReport,
  toolChoice: IrRequest['toolChoice'],
  user: string | undefined,
): void {
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  const parallelToolCalls = optionalBoolean(body, 'parallel_tool_calls', '');
  if (parallelToolCalls !== undefined) request.parallelToolCalls = parallelToolCalls;
  const maxTokens = readMaxTokens(body);
  if (maxTokens !== undefined) request.maxTokens = maxTokens;
  addSampling(request, body);
  const responseFormat = parseResponseFormat(body.response_format);
  if (responseFormat !== undefined) request.responseFormat = responseFormat;
  const reasoning = readReasoning(body, hints);
  if (reasoning !== undefined) request.reasoning = reasoning;
  const verbosity = irVerbosity(optionalEnum(body, 'verbosity', '', ['low', 'medium', 'high']));
  if (verbosity !== undefined) request.verbosity = verbosity;
  const endUser = optionalString(body, 'safety_identifier', '') ?? user;
  if (endUser !== undefined) request.user = endUser;
}

function addSampling(request: IrRequest, body: JsonObject): void {
  const temperature = optionalNumber(body, 'temperature', '', { min: 0, max: 2 });
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body, 'top_p', '', { min: 0, max: 1 });
  if (topP !== undefined) request.topP = topP;
  const seed = optionalNumber(body, 'seed', '', { integer: true });
  if (seed !== undefined) request.seed = seed;
  const presencePenalty = optionalNumber(body, 'presence_penalty', '', { min: -2, max: 2 });
  if (presencePenalty !== undefined) request.presencePenalty = presencePenalty;
  const frequencyPenalty = optionalNumber(body, 'frequency_penalty', '', { min: -2, max: 2 });
  if (frequencyPenalty !== undefined) request.frequencyPenalty = frequencyPenalty;
}
