import { errors } from '../../errors/codes.js';
import type { UpstreamBuildOptions } from '../contract.js';
import type { IrRequest } from '../ir/types.js';
import { effortForBudget } from '../shared/reasoning-budget.js';

/**
 * Converse has no field for reasoning or top-k: each model family takes its own in
 * `additionalModelRequestFields`, and Bedrock passes them on to a model that refuses keys it does not know
 * ("extraneous key [thinking] is not permitted"). So the family is read from the model id (a foundation model,
 * an inference profile such as `us.anthropic.claude-…`, or an ARN naming either):
 * - Claude: Anthropic's `thinking` with a budget, and `top_k`;
 * - Amazon Nova: `reasoningConfig` with an effort (Nova 2), and `inferenceConfig.topK`;
 * - any other model (and an application inference profile ARN, which names no model): reasoning is dropped and
 *   reported, and top-k, which changes sampling, is refused.
 */

export type BedrockFamily = 'anthropic' | 'nova' | 'other';

export function bedrockFamily(modelId: string): BedrockFamily {
  if (/(?:^|[.:/])anthropic\.claude/.test(modelId)) return 'anthropic';
  if (/(?:^|[.:/])amazon\.nova/.test(modelId)) return 'nova';
  return 'other';
}

/** Nova's effort levels are low, medium and high: minimal reads as low; none sends no reasoning config. */
function novaEffort(request: IrRequest): 'low' | 'medium' | 'high' | undefined {
  const reasoning = request.reasoning;
  const effort =
    reasoning?.effort ?? (reasoning?.budgetTokens !== undefined ? effortForBudget(reasoning.budgetTokens) : undefined);
  if (effort === 'none') return undefined;
  return effort === 'minimal' ? 'low' : effort;
}

/** The model-specific fields for a request, or undefined when it needs none. */
export function additionalModelRequestFields(
  request: IrRequest,
  family: BedrockFamily,
  options: UpstreamBuildOptions,
  /** Claude's thinking budget, as claudeOutputPlan fitted it to the output limit. */
  budget: number | undefined,
): Record<string, unknown> | undefined {
  const fields: Record<string, unknown> = {};
  if (family === 'anthropic') {
    if (budget !== undefined) fields.thinking = { type: 'enabled', budget_tokens: budget };
    if (request.topK !== undefined) fields.top_k = request.topK;
  } else if (family === 'nova') {
    const effort = novaEffort(request);
    if (effort !== undefined) fields.reasoningConfig = { type: 'enabled', maxReasoningEffort: effort };
    if (request.topK !== undefined) fields.inferenceConfig = { topK: request.topK };
  } else {
    if (request.reasoning && request.reasoning.effort !== 'none') options.hints?.drop('reasoning');
    if (request.topK !== undefined) {
      throw errors.invalidBody('top_k is taken only by Claude and Amazon Nova models on Bedrock', 'topK');
    }
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}
