import { createHash } from 'node:crypto';
import { errors } from '../../errors/codes.js';
import type { UpstreamBuildOptions } from '../contract.js';
import type { IrReasoning, IrRequest, IrResponseFormat, IrTool, IrToolChoice } from '../ir/types.js';
import { hasCacheControl } from '../shared/cache-hints.js';
import { effortForBudget } from '../shared/reasoning-budget.js';
import { refusePrefill } from '../shared/unsupported-sampling.js';
import { dropVerbosity } from '../shared/verbosity.js';
import { chatMessages } from './messages-to-upstream.js';
import { useMistralToolCallIds } from './mistral-tool-call-ids.js';
import { leastReasoningEffort, takesVerbosity } from './openai-models.js';

/**
 * IR -> Chat Completions request for an OpenAI-compatible upstream (message rules in messages-to-upstream.ts).
 *
 * - The output limit goes under `options.maxTokensField` (OpenAI's reasoning models only take
 *   `max_completion_tokens`).
 * - A thinking budget becomes the nearest `reasoning_effort` (shared/reasoning-budget.ts); no reasoning, the
 *   lowest effort an OpenAI reasoning model takes (openai-models.ts). A reasoning summary
 *   request is not sent: Chat has no such parameter; upstreams return what reasoning they expose anyway.
 * - `topK` is refused: it is not part of the Chat Completions API.
 * - `tool_choice` and `parallel_tool_calls` are sent only with tools, as OpenAI rejects them otherwise.
 * - Tool cache hints are dropped (OpenAI caches prompt prefixes automatically).
 * - `verbosity` goes to OpenAI's gpt-5 family where the provider passes it on (openai-models.ts,
 *   `options.verbosity`), and is dropped and reported elsewhere.
 * - With `options.toolCallIds` `mistral`, tool call ids become the 9 letters and digits Mistral requires
 *   (mistral-tool-call-ids.ts).
 * - More stop sequences than `options.maxStopSequences` (OpenAI's API: 4) are rejected naming `stopSequences`,
 *   before the request goes out; other compatible servers have no such limit.
 * - The end-user id goes as `user`, hashed (SHA-256, 64 hex characters) when longer than the 64 characters
 *   OpenAI takes: Claude Code's `metadata.user_id` is about 150. The hash still tells users apart, which is
 *   what the field is for, and is what OpenAI recommends sending.
 */

const MAX_USER_LENGTH = 64;

function endUserId(user: string): string {
  return user.length <= MAX_USER_LENGTH ? user : createHash('sha256').update(user).digest('hex');
}

function chatTool(tool: IrTool): Record<string, unknown> {
  const fn: Record<string, unknown> = { name: tool.name };
  if (tool.description !== undefined) fn.description = tool.description;
  fn.parameters = tool.parameters;
  if (tool.strict !== undefined) fn.strict = tool.strict;
  return { type: 'function', function: fn };
}

function chatToolChoice(choice: IrToolChoice): unknown {
  return choice.type === 'tool' ? { type: 'function', function: { name: choice.name } } : choice.type;
}

function chatResponseFormat(format: IrResponseFormat): Record<string, unknown> {
  if (format.type !== 'json_schema') return { type: format.type };
  const spec: Record<string, unknown> = { name: format.name, schema: format.schema };
  if (format.description !== undefined) spec.description = format.description;
  if (format.strict !== undefined) spec.strict = format.strict;
  return { type: 'json_schema', json_schema: spec };
}

/**
 * `none` goes as the lowest effort an OpenAI reasoning model takes (openai-models.ts), and to any other
 * model as nothing: models without reasoning refuse `reasoning_effort` altogether.
 */
function reasoningEffort(reasoning: IrReasoning | undefined, upstreamModel: string): string | undefined {
  if (reasoning?.effort === 'none') return leastReasoningEffort(upstreamModel);
  if (reasoning?.effort) return reasoning.effort;
  return reasoning?.budgetTokens === undefined ? undefined : effortForBudget(reasoning.budgetTokens);
}

function addTools(body: Record<string, unknown>, request: IrRequest): void {
  if (request.tools.length === 0) return;
  body.tools = request.tools.map(chatTool);
  if (request.toolChoice) body.tool_choice = chatToolChoice(request.toolChoice);
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
}

function addSampling(
  body: Record<string, unknown>,
  request: IrRequest,
  upstreamModel: string,
  options: UpstreamBuildOptions,
): void {
  if (request.maxTokens !== undefined) body[options.maxTokensField] = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
  if (request.stopSequences.length > 0) body.stop = request.stopSequences;
  const effort = reasoningEffort(request.reasoning, upstreamModel);
  if (effort !== undefined) body.reasoning_effort = effort;
  if (request.verbosity !== undefined && options.verbosity && takesVerbosity(upstreamModel)) {
    body.verbosity = request.verbosity;
  }
  if (request.logprobs) body.logprobs = true;
  if (request.logprobs && request.logprobs.top > 0) body.top_logprobs = request.logprobs.top;
}

/** Hints Chat has no field for (OpenAI-compatible servers cache prompt prefixes by themselves). */
function reportDrops(request: IrRequest, upstreamModel: string, options: UpstreamBuildOptions): void {
  if (!options.hints) return;
  if (hasCacheControl(request)) options.hints.drop('cacheControl');
  if (request.reasoning?.summary !== undefined) options.hints.drop('reasoning.summary');
  if (!options.verbosity || !takesVerbosity(upstreamModel)) dropVerbosity(request, options.hints);
}

export function buildChatRequest(
  request: IrRequest,
  upstreamModel: string,
  options: UpstreamBuildOptions,
): Record<string, unknown> {
  if (request.topK !== undefined) {
    throw errors.invalidBody('top_k sampling is not available on this OpenAI-compatible upstream', 'topK');
  }
  const maxStops = options.maxStopSequences;
  if (maxStops !== undefined && request.stopSequences.length > maxStops) {
    throw errors.invalidBody(
      `this model's upstream takes at most ${maxStops} stop sequences (got ${request.stopSequences.length})`,
      'stopSequences',
    );
  }
  refusePrefill(request, 'this OpenAI-compatible upstream');
  reportDrops(request, upstreamModel, options);
  const messages = chatMessages(request, options.sendReasoningContent === true);
  if (options.toolCallIds === 'mistral') useMistralToolCallIds(messages);
  const body: Record<string, unknown> = { model: upstreamModel, messages };
  addSampling(body, request, upstreamModel, options);
  addTools(body, request);
  if (request.responseFormat) body.response_format = chatResponseFormat(request.responseFormat);
  if (request.user !== undefined) body.user = endUserId(request.user);
  if (request.stream) {
    body.stream = true;
    if (options.streamUsage) body.stream_options = { include_usage: true };
  }
  return body;
}
