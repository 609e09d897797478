import { errors } from '../../errors/codes.js';
import type { IrReasoning } from '../ir/types.js';
import type { HintReport } from '../shared/hint-report.js';
import { budgetForEffort } from '../shared/reasoning-budget.js';
import { fitThinkingBudget, GEMINI_MIN_THINKING_BUDGET, thinkingBudgetRange } from './thinking-budget.js';
import type { GeminiThinkingConfig } from './wire-types.js';

/**
 * IR reasoning as Gemini's `thinkingConfig`. Gemini thinks by default on 2.5 and later, so a client that asks
 * for no reasoning (`effort: "none"`) or the least (`"minimal"`) must be sent the least thinking the model
 * family allows, not nothing (https://ai.google.dev/gemini-api/docs/thinking):
 * - 2.5 Flash and Flash-Lite turn thinking off with `thinkingBudget: 0`;
 * - 2.5 Pro cannot turn it off: its smallest budget is 128;
 * - Gemini 3 and later take a `thinkingLevel`: `minimal` on Flash models, `low` (the lowest Pro takes) on the rest.
 * Older and unknown models (1.x, 2.0, Gemma) do not think and get nothing. On Gemini 3 and later an effort of
 * low, medium or high is sent as the `thinkingLevel` Google documents for them (`thinkingBudget` there is only
 * kept for compatibility): `low`, `medium` (on the first Gemini 3 Pro, which has only low and high, `high`), and
 * `high`, with thought summaries on, while the client's output limit holds that effort's budget; a smaller limit
 * gets a fitted budget, as a level names no token count to fit. Any other effort or budget is sent as a budget
 * (shared/reasoning-budget.ts) with thought summaries on, fitted under the output limit that thoughts count
 * against and within the model's range (thinking-budget.ts).
 *
 * A limit too small for the model's smallest budget beside an answer gets thinking off where the model can turn
 * it off, else its least thinking; either way `reasoning` is reported as dropped (the client asked for thinking
 * it does not get, or for an answer the least thinking may leave no room for). Strict translation refuses the
 * budget case instead, naming the limit.
 */

/** Gemini 3 and later: thinking is set by level. */
function takesLevels(upstreamModel: string): boolean {
  const major = /gemini-(\d+)/.exec(upstreamModel)?.[1];
  return major !== undefined && Number(major) >= 3;
}

function leastThinking(upstreamModel: string): GeminiThinkingConfig | undefined {
  if (/gemini-2\.5-flash/.test(upstreamModel)) return { thinkingBudget: 0 };
  if (/gemini-2\.5-pro/.test(upstreamModel)) return { thinkingBudget: GEMINI_MIN_THINKING_BUDGET };
  if (!takesLevels(upstreamModel)) return undefined;
  return { thinkingLevel: /flash/.test(upstreamModel) ? 'minimal' : 'low' };
}

/** The level for an effort above minimal: Gemini 3 Pro (3.0) answers 400 to `medium`, which later models take. */
function levelForEffort(
  effort: 'low' | 'medium' | 'high',
  upstreamModel: string,
): GeminiThinkingConfig['thinkingLevel'] {
  if (effort === 'medium' && /gemini-3-pro/.test(upstreamModel)) return 'high';
  return effort;
}

/**
 * Whether the least thinking leaves the limit room for an answer: no thinking always does, a budget when below
 * the limit (as fitted budgets are), a level (which names no token count) when the limit holds the smallest
 * budget and as much again for the answer.
 */
function leastThinkingFits(least: GeminiThinkingConfig, limit: number | undefined): boolean {
  if (limit === undefined || least.thinkingBudget === 0) return true;
  if (least.thinkingBudget !== undefined) return least.thinkingBudget < limit;
  return limit >= 2 * GEMINI_MIN_THINKING_BUDGET;
}

function leastThinkingReported(
  upstreamModel: string,
  limit: number | undefined,
  hints: HintReport | undefined,
): GeminiThinkingConfig | undefined {
  const least = leastThinking(upstreamModel);
  if (least && !leastThinkingFits(least, limit)) hints?.drop('reasoning');
  return least;
}

function budgetConfig(
  budget: number,
  limit: number | undefined,
  upstreamModel: string,
  hints: HintReport | undefined,
): GeminiThinkingConfig | undefined {
  const range = thinkingBudgetRange(upstreamModel);
  const fitted = fitThinkingBudget(budget, limit, range);
  if (fitted >= range.min) return { thinkingBudget: fitted, includeThoughts: true };
  hints?.dropUnlessStrict('reasoning', () =>
    errors.invalidBody(
      `with reasoning on, Gemini counts thinking within the output limit, which leaves no room for this model's smallest thinking budget (${range.min}) and an answer (got ${limit})`,
      'maxTokens',
    ),
  );
  return range.canTurnOff ? { thinkingBudget: 0 } : leastThinking(upstreamModel);
}

export function thinkingConfig(
  reasoning: IrReasoning | undefined,
  maxTokens: number | undefined,
  upstreamModel: string,
  hints?: HintReport,
): GeminiThinkingConfig | undefined {
  if (reasoning?.budgetTokens !== undefined) {
    return budgetConfig(reasoning.budgetTokens, maxTokens, upstreamModel, hints);
  }
  const effort = reasoning?.effort;
  if (effort === undefined) return undefined;
  if (effort === 'none' || effort === 'minimal') return leastThinkingReported(upstreamModel, maxTokens, hints);
  const budget = budgetForEffort(effort);
  if (takesLevels(upstreamModel) && (maxTokens === undefined || budget < maxTokens)) {
    return { thinkingLevel: levelForEffort(effort, upstreamModel), includeThoughts: true };
  }
  return budgetConfig(budget, maxTokens, upstreamModel, hints);
}
