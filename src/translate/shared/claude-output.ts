import { errors } from '../../errors/codes.js';
import { MIN_THINKING_BUDGET } from './reasoning-budget.js';

export interface ClaudeOutputPlan {
  maxTokens: number;
  thinkingBudget?: number | undefined;
}

/**
 * Claude's output limit and thinking budget, on Anthropic's API and on Bedrock alike. Claude requires
 * max_tokens > budget_tokens: without a client limit, max_tokens grows to budget + default; with a client limit at
 * or below the budget (OpenAI dialects count reasoning inside their output limit too) the budget shrinks to fit,
 * since the client's limit is a stop condition, and a limit too small for the minimum budget is refused naming
 * `maxTokens`. `budget` is undefined when the request goes without thinking.
 */
export function claudeOutputPlan(
  limit: number | undefined,
  budget: number | undefined,
  defaultMaxTokens: number,
): ClaudeOutputPlan {
  if (budget === undefined) return { maxTokens: limit ?? defaultMaxTokens };
  if (limit === undefined) {
    return {
      maxTokens: defaultMaxTokens > budget ? defaultMaxTokens : budget + defaultMaxTokens,
      thinkingBudget: budget,
    };
  }
  if (limit > budget) return { maxTokens: limit, thinkingBudget: budget };
  if (limit <= MIN_THINKING_BUDGET) {
    throw errors.invalidBody(
      `with reasoning on, the output limit must exceed Claude's minimum thinking budget of ${MIN_THINKING_BUDGET} tokens (got ${limit})`,
      'maxTokens',
    );
  }
  return { maxTokens: limit, thinkingBudget: Math.max(MIN_THINKING_BUDGET, Math.floor(limit / 2)) };
}
