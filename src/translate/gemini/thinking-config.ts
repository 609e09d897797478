import type { IrReasoning } from '../ir/types.js';
import { budgetForEffort } from '../shared/reasoning-budget.js';
import { fitThinkingBudget, GEMINI_MIN_THINKING_BUDGET } from './thinking-budget.js';
import type { GeminiThinkingConfig } from './wire-types.js';

/**
 * IR reasoning as Gemini's `thinkingConfig`. Gemini thinks by default on 2.5 and later, so a client that asks
 * for no reasoning (`effort: "none"`) or the least (`"minimal"`) must be sent the least thinking the model
 * family allows, not nothing (https://ai.google.dev/gemini-api/docs/thinking):
 * - 2.5 Flash and Flash-Lite turn thinking off with `thinkingBudget: 0`;
 * - 2.5 Pro cannot turn it off: its smallest budget is 128;
 * - Gemini 3 and later take a `thinkingLevel`: `minimal` on Flash models, `low` (the lowest Pro takes) on the rest.
 * Older and unknown models (1.x, 2.0, Gemma) do not think and get nothing. Any other effort or budget is sent as
 * a budget (shared/reasoning-budget.ts) with thought summaries on, fitted under the output limit that thoughts
 * count against (thinking-budget.ts).
 */

function leastThinking(upstreamModel: string): GeminiThinkingConfig | undefined {
  if (/gemini-2\.5-flash/.test(upstreamModel)) return { thinkingBudget: 0 };
  if (/gemini-2\.5-pro/.test(upstreamModel)) return { thinkingBudget: GEMINI_MIN_THINKING_BUDGET };
  const major = /gemini-(\d+)/.exec(upstreamModel)?.[1];
  if (major === undefined || Number(major) < 3) return undefined;
  return { thinkingLevel: /flash/.test(upstreamModel) ? 'minimal' : 'low' };
}

export function thinkingConfig(
  reasoning: IrReasoning | undefined,
  maxTokens: number | undefined,
  upstreamModel: string,
): GeminiThinkingConfig | undefined {
  if (reasoning?.budgetTokens !== undefined) {
    return { thinkingBudget: fitThinkingBudget(reasoning.budgetTokens, maxTokens), includeThoughts: true };
  }
  const effort = reasoning?.effort;
  if (effort === undefined) return undefined;
  if (effort === 'none' || effort === 'minimal') return leastThinking(upstreamModel);
  return { thinkingBudget: fitThinkingBudget(budgetForEffort(effort), maxTokens), includeThoughts: true };
}
