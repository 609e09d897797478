import { errors } from '../../errors/codes.js';

/**
 * The smallest thinking budget every Gemini thinking model takes (2.5 Pro's floor; Flash-Lite's is higher but
 * it also takes no thinking at all, Pro cannot be told that).
 */
export const GEMINI_MIN_THINKING_BUDGET = 128;

/**
 * A thinking budget fitted under the client's output limit. On Gemini thoughts count against
 * `maxOutputTokens`, as reasoning tokens count in OpenAI's max_completion_tokens and Anthropic requires
 * max_tokens > budget_tokens: a budget at or above the limit would spend it all on thinking and answer nothing.
 * Such a budget is halved to the limit's half, the rest left for the answer, since the client's limit is a stop
 * condition; a limit too small for Gemini's smallest budget besides an answer is refused naming `maxTokens`.
 */
export function fitThinkingBudget(budget: number, limit: number | undefined): number {
  if (limit === undefined || budget < limit) return budget;
  const fitted = Math.floor(limit / 2);
  if (fitted < GEMINI_MIN_THINKING_BUDGET) {
    throw errors.invalidBody(
      `with reasoning on, Gemini counts thinking within the output limit, which must be at least ${2 * GEMINI_MIN_THINKING_BUDGET} tokens to leave room for its smallest thinking budget (${GEMINI_MIN_THINKING_BUDGET}) and an answer (got ${limit})`,
      'maxTokens',
    );
  }
  return fitted;
}
