/**
 * The thinking budgets each Gemini 2.5 family takes (https://ai.google.dev/gemini-api/docs/thinking): Gemini
 * answers 400 to a budget outside them. 2.5 Pro cannot turn thinking off; Flash and Flash-Lite turn it off with 0,
 * and Flash-Lite's smallest budget besides that is 512. Gemini 3 and later take a `thinkingLevel` instead (a
 * budget still works there, from the same floor as Pro's); older and unknown models are given the same floor.
 */
export interface ThinkingBudgetRange {
  min: number;
  max: number;
  /** Whether `thinkingBudget: 0` turns thinking off. */
  canTurnOff: boolean;
}

/** The smallest budget every Gemini thinking model takes (2.5 Pro's floor). */
export const GEMINI_MIN_THINKING_BUDGET = 128;

const FLASH_LITE: ThinkingBudgetRange = { min: 512, max: 24_576, canTurnOff: true };
const FLASH: ThinkingBudgetRange = { min: 1, max: 24_576, canTurnOff: true };
const PRO: ThinkingBudgetRange = { min: GEMINI_MIN_THINKING_BUDGET, max: 32_768, canTurnOff: false };
const OTHER: ThinkingBudgetRange = {
  min: GEMINI_MIN_THINKING_BUDGET,
  max: Number.POSITIVE_INFINITY,
  canTurnOff: false,
};

export function thinkingBudgetRange(upstreamModel: string): ThinkingBudgetRange {
  if (/gemini-2\.5-flash-lite/.test(upstreamModel)) return FLASH_LITE;
  if (/gemini-2\.5-flash/.test(upstreamModel)) return FLASH;
  if (/gemini-2\.5-pro/.test(upstreamModel)) return PRO;
  return OTHER;
}

/**
 * A thinking budget fitted under the client's output limit. On Gemini thoughts count against
 * `maxOutputTokens`, as reasoning tokens count in OpenAI's max_completion_tokens and Anthropic requires
 * max_tokens > budget_tokens: a budget at or above the limit would spend it all on thinking and answer nothing.
 * Such a budget is halved to the limit's half, the rest left for the answer, since the client's limit is a stop
 * condition; then it is capped at the model's largest budget. The result may be below the model's smallest
 * budget: the caller decides what to send instead (thinking-config.ts).
 */
export function fitThinkingBudget(budget: number, limit: number | undefined, range: ThinkingBudgetRange): number {
  const fitted = limit === undefined || budget < limit ? budget : Math.floor(limit / 2);
  return Math.min(fitted, range.max);
}
