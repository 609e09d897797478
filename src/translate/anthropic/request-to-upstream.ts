import { errors } from '../../errors/codes.js';
import type { UpstreamBuildOptions } from '../contract.js';
import type { IrRequest, IrTool } from '../ir/types.js';
import { type ClaudeOutputPlan, claudeOutputPlan } from '../shared/claude-output.js';
import { anthropicThinkingBudget } from '../shared/reasoning-budget.js';
import { systemTexts } from '../shared/system-texts.js';
import { ANTHROPIC_TOOL_NAMES, ToolNameReport } from '../shared/tool-names.js';
import { refuseLogprobs, refuseUnsupportedSampling } from '../shared/unsupported-sampling.js';
import { dropVerbosity } from '../shared/verbosity.js';
import { buildAnthropicMessages } from './content-to-upstream.js';
import type {
  AnthropicMessageParam,
  AnthropicRequestBody,
  AnthropicTextBlock,
  AnthropicTool,
  AnthropicToolChoice,
} from './wire-types.js';

/**
 * Builds a native Messages request from the IR.
 *
 * - max_tokens: the IR's limit, else the provider's `defaultMaxTokens` (Anthropic requires one).
 * - Reasoning: the IR budget, else the effort's budget (shared/reasoning-budget.ts), sent as
 *   `thinking: {type: "enabled", budget_tokens}`. Anthropic requires max_tokens > budget_tokens: without a
 *   client limit, max_tokens grows to budget + default; with a client limit at or below the budget (OpenAI
 *   dialects count reasoning inside their output limit too) the budget shrinks to fit, and a limit too small
 *   for the 1024-token minimum budget is rejected naming `maxTokens`.
 * - When the last assistant turn has tool_use but does not start with signed thinking (a Chat client cannot
 *   send signatures back), Anthropic would refuse thinking for this turn, so the request goes without it.
 * - Anthropic's own limits while thinking (temperature only 1, no top_k, no forced tool choice) are not
 *   second-guessed here: the parameters go as sent and Anthropic's 400 reaches the client.
 * - A stop sequence that is empty or only whitespace (Anthropic refuses it) is rejected naming `stopSequences`.
 * - tool_choice `required` -> `any`; parallelToolCalls false -> `disable_parallel_tool_use: true`; no
 *   tool_choice is sent without tools.
 * - `responseFormat` json_schema becomes structured output, `output_config.format` (generally available on
 *   current models; an older model's refusal reaches the client). Its `name` is only a label and `strict` is
 *   implied (Anthropic always follows the schema); a `description` has no place there and json_object (JSON
 *   without a schema) has no equivalent, so both are rejected naming `responseFormat`. Reasoning `summary` is
 *   dropped (Anthropic always returns summarized thinking).
 */

function outputConfig(request: IrRequest): AnthropicRequestBody['output_config'] {
  const format = request.responseFormat;
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') {
    throw errors.invalidBody(
      "Anthropic's structured output needs a JSON schema; send a json_schema response format instead of json_object",
      'responseFormat',
    );
  }
  if (format.description !== undefined) {
    throw errors.invalidBody(
      "Anthropic's structured output takes a schema only, not its description; put the description in the prompt",
      'responseFormat',
    );
  }
  return { format: { type: 'json_schema', schema: format.schema } };
}

/**
 * False when Anthropic would refuse thinking: the turn being continued used tools without signed thinking first.
 * Takes a client's unchecked Messages body too (the passthrough's, where content may be a string).
 */
export function canThink(messages: readonly { role?: unknown; content?: unknown }[]): boolean {
  const content = messages.findLast((message) => message?.role === 'assistant')?.content;
  if (!Array.isArray(content) || !content.some((block) => block?.type === 'tool_use')) return true;
  const first = content[0]?.type;
  return first === 'thinking' || first === 'redacted_thinking';
}

function planOutput(
  request: IrRequest,
  messages: AnthropicMessageParam[],
  options: UpstreamBuildOptions,
): ClaudeOutputPlan {
  const budget = canThink(messages) ? anthropicThinkingBudget(request.reasoning) : undefined;
  return claudeOutputPlan(request.maxTokens, budget, options.defaultMaxTokens);
}

function buildTool(tool: IrTool, toolNames: ToolNameReport): AnthropicTool {
  const built: AnthropicTool = {
    name: toolNames.upstream(tool.name),
    input_schema: { type: 'object', ...tool.parameters },
  };
  if (tool.description !== undefined) built.description = tool.description;
  if (tool.strict) built.strict = true;
  if (tool.cacheControl) built.cache_control = { ...tool.cacheControl };
  return built;
}

function buildToolChoice(request: IrRequest, toolNames: ToolNameReport): AnthropicToolChoice | undefined {
  const choice = request.toolChoice;
  const parallel = request.parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  switch (choice?.type) {
    case undefined:
      return request.parallelToolCalls === false ? { type: 'auto', ...parallel } : undefined;
    case 'none':
      return { type: 'none' };
    case 'auto':
      return { type: 'auto', ...parallel };
    case 'required':
      return { type: 'any', ...parallel };
    case 'tool':
      return { type: 'tool', name: toolNames.upstream(choice.name), ...parallel };
  }
}

function buildSystem(request: IrRequest): AnthropicTextBlock[] | undefined {
  const blocks = systemTexts(request)
    .filter((part) => part.text !== '')
    .map((part): AnthropicTextBlock => {
      const block: AnthropicTextBlock = { type: 'text', text: part.text };
      if (part.cacheControl) block.cache_control = { ...part.cacheControl };
      return block;
    });
  return blocks.length > 0 ? blocks : undefined;
}

/** Anthropic refuses a stop sequence that is empty or only whitespace; the client may send one (`stop: "\n"`). */
function checkStopSequences(request: IrRequest): void {
  const blank = request.stopSequences.find((stop) => stop.trim() === '');
  if (blank === undefined) return;
  throw errors.invalidBody(
    `Anthropic takes no stop sequence that is empty or only whitespace, such as ${JSON.stringify(blank)}`,
    'stopSequences',
  );
}

/** Copies the optional scalar parameters that exist under another name. */
function samplingFields(request: IrRequest): Partial<AnthropicRequestBody> {
  const fields: Partial<AnthropicRequestBody> = {};
  if (request.stopSequences.length > 0) fields.stop_sequences = [...request.stopSequences];
  if (request.temperature !== undefined) fields.temperature = request.temperature;
  if (request.topP !== undefined) fields.top_p = request.topP;
  if (request.topK !== undefined) fields.top_k = request.topK;
  if (request.stream) fields.stream = true;
  if (request.user !== undefined) fields.metadata = { user_id: request.user };
  return fields;
}

export function buildAnthropicRequest(
  request: IrRequest,
  upstreamModel: string,
  options: UpstreamBuildOptions,
): AnthropicRequestBody {
  checkStopSequences(request);
  refuseUnsupportedSampling(request, 'Anthropic', options.hints);
  refuseLogprobs(request, 'Anthropic');
  dropVerbosity(request, options.hints);
  const output = outputConfig(request);
  const toolNames = new ToolNameReport(ANTHROPIC_TOOL_NAMES, options.toolNames);
  const messages = buildAnthropicMessages(request.messages, toolNames);
  const plan = planOutput(request, messages, options);
  const body: AnthropicRequestBody = { model: upstreamModel, messages, max_tokens: plan.maxTokens };
  const system = buildSystem(request);
  if (system) body.system = system;
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => buildTool(tool, toolNames));
    const toolChoice = buildToolChoice(request, toolNames);
    if (toolChoice) body.tool_choice = toolChoice;
  }
  if (plan.thinkingBudget !== undefined) body.thinking = { type: 'enabled', budget_tokens: plan.thinkingBudget };
  if (output) body.output_config = output;
  return { ...body, ...samplingFields(request) };
}
